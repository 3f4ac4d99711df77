"""App-level controllers: glue between widgets and the I/O layers; only app.py builds them."""
