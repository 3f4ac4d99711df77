"""Small asyncio helpers shared by the I/O layers (feed, simulator, persistence, the app)."""
