"""Fapiao (发票管家): invoice management for finance teams in Beijing."""
