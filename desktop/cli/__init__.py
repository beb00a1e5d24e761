"""The ``waystation`` command line: every desk flow as a verb, with ``--json`` output.

app.py builds the parser and runs a verb (``main``); common.py holds what every verb
shares; each area has a module of verbs with ``register(verbs, common)``: desk.py (init,
operator, settings, backup, demo), members.py, visits.py, cards.py (print cards and
calibration, card), certificates.py, verification.py (verify), training.py, aid.py and
reports.py. Sync's verbs live in sync/client/cli.py and come in from ui/main.py.
"""
