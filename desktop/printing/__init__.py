"""Printing: DTOs in, PDF bytes out (ReportLab, fonts embedded). No database, no Qt."""

from desktop.printing.cards import calibration_page, cards_a4, cards_cr80
from desktop.printing.certificates import TemplateError, certificate_pdf, load_template
from desktop.printing.documents import (
    CardBack,
    CardFace,
    Certificate,
    PrintOffsets,
    SignInSheet,
)
from desktop.printing.signin_sheet import signin_sheet_pdf

__all__ = [
    "CardBack",
    "CardFace",
    "Certificate",
    "PrintOffsets",
    "SignInSheet",
    "TemplateError",
    "calibration_page",
    "cards_a4",
    "cards_cr80",
    "certificate_pdf",
    "load_template",
    "signin_sheet_pdf",
]
