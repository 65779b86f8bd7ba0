"""Evidence and data protection screens: unlocking, sealing progress, holds, packets."""
