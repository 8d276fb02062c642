"""A small asyncio client for the Asterisk Manager Interface (see docs/decisions)."""
