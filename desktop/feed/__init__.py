"""Asyncio I/O to the provider: WebSocket connections, REST snapshots, and the service over them."""
