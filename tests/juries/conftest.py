"""Fixtures for the jury tests: an officer signed in, and a jury with categories, quotas and
a pool built straight from the models (fast), or a larger generated pool whose LEXIMIN draw
takes a few seconds, each returning ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from consult.extensions import db

# two categories, small enough for LEXIMIN to take well under a second
CATEGORIES = (
    ("gender", "Gender", (("woman", "Woman", 3, 5), ("man", "Man", 3, 5))),
    (
        "age",
        "Age",
        (("young", "16 to 39", 2, 4), ("middle", "40 to 64", 2, 4), ("old", "65 and over", 1, 3)),
    ),
)
AGES = ("young", "middle", "old")


@pytest.fixture
def officer(make_user: Callable[..., int]) -> dict[str, Any]:
    email = "jury.officer@council.example"
    return {"id": make_user("officer", email=email), "email": email}


@pytest.fixture
def officer_client(app: Flask, officer: dict[str, Any], sign_in: Callable[..., None]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, email=officer["email"])
    return client


def person_features(index: int) -> dict[str, str]:
    return {"gender": ("woman", "man")[index % 2], "age": AGES[(index // 2) % 3]}


@pytest.fixture
def make_pool_jury(app: Flask, make_jury: Callable[..., int]) -> Callable[..., int]:
    """A jury (panel of 8 by default) with the two categories above (or `quotas`) and
    `people` registrants (answering as `person_features`, or `features[i]`);
    `shared_households` pairs share an address (people 0+1, 2+3, ...)."""
    from consult.juries.services import household_key
    from consult.models import CategoryValue, Jury, JuryCategory, Registrant, utcnow

    def make(
        *,
        people: int = 30,
        panel_size: int = 8,
        shared_households: int = 0,
        seed: str | None = None,
        quotas: tuple = CATEGORIES,
        features: list[dict[str, str]] | None = None,
    ) -> int:
        jury_id = make_jury(panel_size=panel_size)
        with app.app_context():
            jury = db.session.get(Jury, jury_id)
            for position, (name, label, values) in enumerate(quotas):
                category = JuryCategory(name=name, label=label, position=position)
                for value_position, (value, value_label, low, high) in enumerate(values):
                    category.values.append(
                        CategoryValue(
                            value=value,
                            label=value_label,
                            position=value_position,
                            min_count=low,
                            max_count=high,
                        )
                    )
                jury.categories.append(category)
            for index in range(people):
                household = index // 2 if index < 2 * shared_households else 1000 + index
                address = f"{household} Test Street"
                db.session.add(
                    Registrant(
                        jury_id=jury_id,
                        first_name=f"Person{index}",
                        last_name=f"Family{household}",
                        email=f"person{index}@example.org",
                        address_line=address,
                        postcode="RV1 1AA",
                        household_key=household_key(address, "RV1 1AA"),
                        features=features[index] if features else person_features(index),
                        consented_at=utcnow(),
                    )
                )
            if seed is not None:
                jury.lottery_seed = seed
                jury.seed_published_at = utcnow()
            db.session.commit()
        return jury_id

    return make


@pytest.fixture
def slug_of(app: Flask) -> Callable[[int], str]:
    from consult.models import Jury

    def slug(jury_id: int) -> str:
        with app.app_context():
            return db.session.get(Jury, jury_id).slug

    return slug


def generated_pool(
    people: int, panel_size: int, n_categories: int, seed: int
) -> tuple[list[tuple[str, list[tuple[str, int, int]]]], list[dict[str, str]]]:
    """A self-selected pool like the bench's: uneven shares, features correlated through one
    latent trait, quotas the shares of the panel within 15%; re-drawn until a panel can
    meet them. Returns ([(category, [(value, min, max)])], [features per person])."""
    import numpy as np

    from analysis.sortition import Categories, Quota, Respondent, check_feasibility

    rng = np.random.default_rng(seed)
    while True:
        latent = rng.normal(size=people)
        columns, categories = [], []
        for c in range(n_categories):
            m = int(rng.integers(2, 6))
            shares = rng.dirichlet(np.ones(m) * 3)
            loading = rng.normal(size=m) * 1.2
            logits = (
                np.log(shares)[None, :]
                + latent[:, None] * loading[None, :]
                + rng.normal(size=(people, m)) * 0.3
            )
            chances = np.exp(logits)
            chances /= chances.sum(axis=1, keepdims=True)
            draws = (chances.cumsum(axis=1) < rng.random(people)[:, None]).sum(axis=1)
            columns.append(np.minimum(draws, m - 1))
            categories.append(
                (
                    f"c{c}",
                    [
                        (
                            f"v{v}",
                            int(np.floor(shares[v] * panel_size * 0.85)),
                            int(np.ceil(shares[v] * panel_size * 1.15)),
                        )
                        for v in range(m)
                    ],
                )
            )
        features = [
            {f"c{c}": f"v{columns[c][i]}" for c in range(n_categories)} for i in range(people)
        ]
        quotas = Categories(
            tuple(
                Quota(name, value, low, high)
                for name, values in categories
                for value, low, high in values
            )
        )
        pool = [Respondent(str(i), f) for i, f in enumerate(features)]
        if check_feasibility(pool, quotas, panel_size).feasible:
            return categories, features


@pytest.fixture
def make_slow_jury(make_pool_jury: Callable[..., int]) -> Callable[..., int]:
    """A jury of 600 generated people (6 categories) and a panel of 60, with a published
    seed: its LEXIMIN draw takes about 5 s here (300 people and a panel of 30 took a few
    seconds before the direct way through the linear relaxation, 1.4 s after it)."""

    def make(seed: str = "slow seed") -> int:
        categories, features = generated_pool(600, 60, 6, seed=3)
        quotas = tuple(
            (name, name.upper(), tuple((v, v.upper(), low, high) for v, low, high in values))
            for name, values in categories
        )
        return make_pool_jury(
            people=len(features), panel_size=60, seed=seed, quotas=quotas, features=features
        )

    return make
