"""QtWidgets and pyqtgraph: the windows, views and delegates a user sees. No I/O here."""
