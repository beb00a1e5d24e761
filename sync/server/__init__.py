"""The central server: FastAPI over SQLAlchemy; imports only ``sync.protocol`` of the project."""
