#!/usr/bin/env python3
"""Generate the demo's content-moderation dataset, deterministically:
amplify_sdk/data/moderation.jsonl, one JSON object per line with an `id`, a
short `text` and its true `label` (ok, spam, abusive, off_topic). The label is
hidden from the marketplace: only the text is uploaded (its sha256); simulated
workers answer, and the demo scores them against the label.

    .venv/bin/python scripts/gen_moderation.py          # rewrite the file
    .venv/bin/python scripts/gen_moderation.py --check  # fail if it differs
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "amplify_sdk/data/moderation.jsonl"
N = 1_200
SEED = 20_240_601

THINGS = [
    "recipe",
    "guide",
    "photo",
    "video",
    "thread",
    "tutorial",
    "review",
    "map",
    "song",
    "article",
    "podcast",
    "chart",
]
TOPICS = [
    "sourdough",
    "bike repair",
    "tax forms",
    "birdwatching",
    "chess openings",
    "gardening",
    "python typing",
    "hiking boots",
    "home brewing",
    "solar panels",
    "knitting",
    "jazz piano",
]
PRODUCTS = [
    "watches",
    "sneakers",
    "followers",
    "crypto signals",
    "diet pills",
    "phone cases",
    "gift cards",
    "essay writing",
    "loans",
    "sunglasses",
]
DOMAINS = [
    "cheap-deals.example",
    "win-big.example",
    "best-offer.example",
    "free-stuff.example",
    "click-now.example",
]
CITIES = ["Lisbon", "Osaka", "Denver", "Nairobi", "Tallinn", "Quito", "Perth", "Lyon"]
FOODS = ["ramen", "tacos", "pho", "falafel", "pizza", "dumplings", "curry", "bagels"]

TEMPLATES: dict[str, list[str]] = {
    "ok": [
        "Thanks for the {thing} on {topic}, it saved me hours.",
        "Great {thing}! I tried the {topic} tips and they worked.",
        "Could you post a follow-up {thing} about {topic}?",
        "I disagree with step three of this {topic} {thing}, but the rest is solid.",
        "Bookmarked this {thing}. Clear explanation of {topic}.",
        "Small correction: the {topic} section links to the wrong {thing}.",
    ],
    "spam": [
        "Buy cheap {product} now at {domain} !!! limited offer",
        "EARN $$$ from home with {product}, visit {domain}",
        "Best {product} deals of the year -> {domain} <- click now",
        "Free {product} for the first 100 people, sign up at {domain}",
        "DM me for {product}, 90% off, only today, {domain}",
    ],
    "abusive": [
        "Only an idiot would write a {thing} this bad about {topic}.",
        "You clearly know nothing about {topic}, stop posting garbage.",
        "This {thing} is trash and so is everyone who liked it.",
        "Nobody asked for your pathetic {topic} opinions, get lost.",
        "What a clown. Delete this {thing} and never come back.",
    ],
    "off_topic": [
        "Does anyone know a good {food} place in {city}?",
        "Unrelated, but is it raining in {city} today?",
        "Anyone selling tickets for the {city} concert this weekend?",
        "My cat just knocked over my {food}, what a morning.",
        "Who is watching the game tonight? Go {city}!",
    ],
}
#: Label mix: most content is fine, as on a real platform.
WEIGHTS = {"ok": 0.5, "spam": 0.2, "abusive": 0.15, "off_topic": 0.15}


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    labels = list(WEIGHTS)
    out = []
    for i in range(N):
        label = rng.choices(labels, weights=[WEIGHTS[x] for x in labels])[0]
        text = rng.choice(TEMPLATES[label]).format(
            thing=rng.choice(THINGS),
            topic=rng.choice(TOPICS),
            product=rng.choice(PRODUCTS),
            domain=rng.choice(DOMAINS),
            city=rng.choice(CITIES),
            food=rng.choice(FOODS),
        )
        # A post number keeps every text distinct (distinct content hashes).
        out.append({"id": f"post-{i:05d}", "text": f"{text} (#{i})", "label": label})
    return out


def render() -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows())


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from the generator's output", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {N} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
