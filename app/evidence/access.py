"""Who may write and who receives each evidence kind (the hub enforces both on push and
pull, the workstation's commands again before writing).

- A hold: analysts and leads place one; only a lead lifts it, with a reason. Holds go
  to everyone who may see the case, so no workstation holding its media purges it.
- A purge: any person's workstation records the purges its worker made; everyone who may
  see the case receives them (the audit trail says where its media still is).
- A report packet: cleared analysts and leads only (the case's clearance gates it too).
"""

from __future__ import annotations

from app.log.registry import Audience

HOLD_AUTHOR = "analyst"
LIFT_AUTHOR = "lead"
PURGE_AUTHOR = "moderator"
PACKET_AUTHOR = "analyst"

HOLD_AUDIENCE = Audience.EVERYONE
PURGE_AUDIENCE = Audience.EVERYONE
PACKET_AUDIENCE = Audience.ANALYSTS
