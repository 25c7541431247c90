"""Seeded command sequences, so a failing run can be reproduced from its seed."""

import random
from typing import Any


def random_command(rng: random.Random) -> dict[str, Any]:
    r = rng.random()
    amount = 1 + int(rng.random() * 400)
    if r < 0.05:
        return {"type": "open", "owner": "Ana", "initialDeposit": amount}
    return {"type": "deposit" if r < 0.55 else "withdraw", "amount": amount}
