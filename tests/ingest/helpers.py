"""Shared by the ingest, add and reload tests."""
from __future__ import annotations

import hashlib
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
FENWICK = PAGES / "fenwick-feud-analysis.html"
KESTREL = PAGES / "kestrel-reply-count.html"
SECTION_FRONT = PAGES / "fenwick-section-front.html"

FENWICK_TITLE = "Why the LeCun–Musk spat was really about publishing"
FENWICK_URL = "https://fenwick-review.example.com/tech/2024/05/30/lecun-musk-publishing-spat"
FENWICK_PARAGRAPHS = [
    "The Memorial Day weekend quarrel between Yann LeCun and Elon Musk looked, at first, like another round of "
    "insults on X. Ingrid Vosberg, a professor of robotics at the Delft Institute of Machine Learning, thinks it "
    "was something more specific: an argument about whether science still has to be published to count.",
    "“It was a chess match played on a trampoline,” Vosberg said in an interview with The Fenwick Review. “Both of "
    "them were making real moves, but everyone watching only saw the bouncing.”",
    "The turning point came when Musk asked what science LeCun had been doing in the past five years. LeCun replied "
    "that he had published more than 80 technical articles since January 2022, a figure Vosberg says she checked "
    "against his public paper list and found to be accurate.",
    "Vosberg keeps a hand-written ledger of public arguments between scientists and executives. She says the "
    "LeCun–Musk exchange is entry number 212, and the first in which the word “ConvNets” appeared more than a "
    "dozen times.",
    "Vosberg tells her graduate students to read the whole thread rather than the screenshots. In her view, the "
    "feud showed that open publication is still the currency that researchers trust, even when a company would "
    "rather keep its methods secret.",
    "She plans to use the exchange in a seminar on scientific communication at Delft this autumn, alongside the "
    "1989 paper in which LeCun and his colleagues introduced convolutional neural networks.",
]
FENWICK_HEADINGS = ["# A question about five years", "# What the quarrel leaves behind"]
# Text from the page's navigation, ads, share box, related stories, comments,
# newsletter box and footer: none of it may reach the corpus.
FENWICK_BOILERPLATE = [
    "Subscribe for £1", "Sign in", "Artificial intelligence", "Sitwell Store", "Advertisement", "BrightPath",
    "Share this article", "Share on", "Copy link", "Related stories", "xAI raises $6 billion",
    "Opinion: scientists should log off", "Comments (3)", "quantumgoose", "Honestly both of them",
    "taught my first robotics class", "Eighty papers", "Join the discussion", "briefing", "delivered to your inbox",
    "cookies", "All rights reserved", "Privacy policy", "Topics:",
]

KESTREL_TITLE = "Who won the LeCun–Musk thread? A linguist counted the replies"
KESTREL_URL = "https://kestrelweekly.example.org/2024/06/02/who-won-the-lecun-musk-thread/"
KESTREL_BOILERPLATE = [
    "Search Kestrel Weekly", "Podcasts", "Donate", "ADVERTISEMENT", "NimbusCompute", "Popular this week",
    "mechanical keyboards", "Posted on", "See also", "ConvNets, explained", "Share this", "Facebook",
    "Related", "A short history of AI feuds", "venue has simply got louder", "thoughts on", "ray_from_leeds",
    "Sixty one percent", "breakdown by country", "Leave a Reply", "Post Comment", "fictional site", "Cookies",
]


def folder_state(directory: Path) -> str:
    """A hash of every file in the folder, hidden ones included (a leftover
    temp file is a change); the index cache is the engine's, not the corpus."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).rglob("*")):
        relative = path.relative_to(directory)
        if relative.parts[0] == ".feudbot-cache":
            continue
        digest.update(str(relative).encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
