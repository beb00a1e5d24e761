"""What the certificates area needs of the store: certificates by serial."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.storage.certificates.tables import CertificateRow


class Certificates:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, serial: str) -> CertificateRow | None:
        return self.session.get(CertificateRow, serial)

    def add(self, row: CertificateRow) -> None:
        self.session.add(row)
