"""Live deliberation: sessions, rounds, tables, queue, polls, recommendations (Socket.IO)."""
