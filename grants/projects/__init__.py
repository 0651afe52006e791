"""Funded projects (operazioni): CUP, grant agreement, phases, milestones, variations, extensions,
suspension, renunciation, revocation."""
