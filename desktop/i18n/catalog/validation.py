"""Messages for refused phones, ID numbers and names (``desktop.domain.people``).

Written for the person at the desk: what is wrong with what they typed, and what to do.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "phone.empty": (
        "请填写手机号。",
        "Please enter a mobile number.",
    ),
    "phone.not_digits": (
        "手机号只能包含数字，“{value}”里有其他字符，请检查后重新输入。",
        "A mobile number may only contain digits; “{value}” has other characters. "
        "Please check and type it again.",
    ),
    "phone.length": (
        "手机号应为 11 位数字，您输入了 {digits} 位，请核对是否多输或漏输。",
        "A mobile number has 11 digits; this one has {digits}. "
        "Please check for a missing or extra digit.",
    ),
    "phone.prefix": (
        "这不像中国大陆手机号：应以 13–19 开头，请向本人核对。",
        "This does not look like a mainland China mobile number (it should start with 13–19). "
        "Please check it with the person.",
    ),
    "phone.rounded": (
        "手机号“{value}”被表格软件显示成了科学计数法，后几位已经丢失。"
        "请在表格中把手机号一列设为“文本”格式后重新导出，或手动输入。",
        "The mobile number “{value}” was saved by the spreadsheet in scientific notation and "
        "its last digits are lost. Set the phone column to Text format and export again, "
        "or type the number in.",
    ),
    "id.length": (
        "身份证号应为 18 位，您输入了 {chars} 位，请核对。",
        "An ID card number has 18 characters; this one has {chars}. Please check it.",
    ),
    "id.chars": (
        "身份证号前 17 位应为数字，最后一位为数字或字母 X，请核对。",
        "An ID card number is 17 digits followed by a digit or the letter X. Please check it.",
    ),
    "id.birthdate": (
        "身份证号中的出生日期（第 7–14 位）不是有效日期，请对照证件核对。",
        "The date of birth in the ID card number (characters 7–14) is not a real date. "
        "Please check it against the card.",
    ),
    "id.checksum": (
        "身份证号校验不通过，可能有一位输错了，请对照证件逐位核对。",
        "This ID card number does not pass the check; a character is probably mistyped. "
        "Please compare it with the card character by character.",
    ),
    "name.empty": (
        "请填写姓名。",
        "Please enter a name.",
    ),
    "name.too_long": (
        "姓名不能超过 {max} 个字，请检查是否粘贴了多余的内容。",
        "A name may have at most {max} characters. Please check for pasted extra text.",
    ),
    "name.chars": (
        "姓名只能包含文字、空格和 · - ' . 符号，请删除数字、表情或其他符号。",
        "A name may only contain letters, spaces and the marks · - ' . "
        "Please remove digits, emoji or other symbols.",
    ),
}
