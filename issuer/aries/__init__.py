"""Aries wallets through an ACA-Py agent: s4c is the agent's controller (admin API client,
agent process, DIDComm issuing and presentation flows) and ships the agent a plugin that
serves s4c's pinned JSON-LD contexts."""
