"""Demo words: case titles, report reasons and reported texts, written from templates.

Each policy category has its own templates, so the demo queue reads like a day of real
reports (a marketplace listing, a reply under a news post, a group chat message) instead
of one label per category. Nothing harmful is written: where a real report would quote
abuse, the text holds a bracketed placeholder such as `[slur]`. Everything is drawn from
the generator it is given, so a seed always gives the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SURFACES = (
    "post",
    "comment",
    "reply",
    "profile",
    "story",
    "group post",
    "direct message",
    "marketplace listing",
    "live stream clip",
    "forum thread",
    "event page",
    "short video",
)
PLACES = (
    "a local news page",
    "a gaming community",
    "a school parents' group",
    "a fitness forum",
    "a neighbourhood group",
    "a music fan page",
    "a cooking channel",
    "a travel group",
    "a football club page",
    "a student forum",
)
TITLES: dict[str, tuple[str, ...]] = {
    "hate_speech": (
        "{surface} attacking a religious group",
        "{surface} with a slur against migrants",
        "Hateful symbol in a {surface} banner",
        "{surface} calling a group vermin",
        "Coded hate phrase in a {surface}",
        "{surface} urging action against a minority",
    ),
    "bullying_harassment": (
        "Pile-on in the replies to a {surface}",
        "{surface} mocking a classmate",
        "Home address posted in a {surface}",
        "Repeated insults in a {surface}",
        "{surface} threatening a streamer",
        "Fake account impersonating a teacher ({surface})",
    ),
    "spam_scams": (
        "Prize giveaway asking for a fee ({surface})",
        "Login page look-alike linked from a {surface}",
        "Crypto doubling offer in a {surface}",
        "Same link posted 40 times ({surface})",
        "Bought followers advertised in a {surface}",
        "Parcel delivery text scam ({surface})",
    ),
    "misinformation": (
        "Miracle cure claim in a {surface}",
        "Wrong polling-day date in a {surface}",
        "Edited photo of a flood shared as new ({surface})",
        "{surface} claiming a vaccine changes DNA",
        "Old clip presented as today's protest ({surface})",
        "Fake quote attributed to a minister ({surface})",
    ),
    "self_harm": (
        "{surface} describing self-injury",
        "Goodbye note in a {surface}",
        "Extreme fasting tips in a {surface}",
        "{surface} asking for methods",
        "Recovery story with healed scars ({surface})",
        "Worrying late-night {surface}",
    ),
    "violent_graphic": (
        "Street fight filmed on a phone ({surface})",
        "Accident scene with injuries ({surface})",
        "{surface} praising a recent attack",
        "Animal mistreatment clip ({surface})",
        "Injury photo after a protest ({surface})",
        "War footage without a warning ({surface})",
    ),
    "adult_nudity": (
        "Nude image in a {surface}",
        "Suggestive thumbnail on a {surface}",
        "Explicit link in a {surface}",
        "Private photo shared without consent ({surface})",
        "Adult content in an all-ages {surface}",
        "Underwear advert flagged by a filter ({surface})",
    ),
    "child_safety": (
        "Adult asking a minor to chat privately ({surface})",
        "Gift offers to a young user ({surface})",
        "{surface} flagged by the grooming classifier",
        "Minor in an unsafe stunt video ({surface})",
        "Request for photos from a teen account ({surface})",
        "Hash match on an uploaded image ({surface})",
    ),
}
REASONS: dict[str, tuple[str, ...]] = {
    "hate_speech": ("hate speech", "attacks a group of people", "hateful symbol"),
    "bullying_harassment": ("bullying", "harassment", "shares someone's private information"),
    "spam_scams": ("spam", "scam or fraud", "fake engagement"),
    "misinformation": ("false information", "misleading health claim", "election misinformation"),
    "self_harm": ("suicide or self-injury", "eating disorder content", "someone may be at risk"),
    "violent_graphic": ("violence", "graphic content", "animal cruelty"),
    "adult_nudity": ("nudity", "sexual content", "shared without consent"),
    "child_safety": ("a child may be at risk", "inappropriate contact with a minor"),
}
TEXTS: dict[str, tuple[str, ...]] = {
    "hate_speech": (
        'Posted in {place}: "People like [group] are [slur] and should go back where they '
        'came from."',
        "Reply to a {surface}: [dehumanising comparison of a religious group]. Liked 300 times.",
        'Caption reads "[coded hateful phrase]" over a [hateful symbol] flag.',
        'Thread title: "Time to deal with the [group] problem" followed by [call to exclude].',
    ),
    "bullying_harassment": (
        "@[user] everyone in {place} knows you are a [insult]. Nobody wants you here.",
        'Posted a screenshot with [user]\'s street and house number: "go say hi".',
        'Sixth message today from the same account: "you can\'t block all of us, [insult]".',
        '"[user] cried in class again lol" with a poll asking who hates them most.',
    ),
    "spam_scams": (
        "CONGRATS!!! You won a phone. Claim at prize-claim.example within 24h, small fee only.",
        "Your account will be closed. Verify now: secure-login.example/verify",
        "Send 0.1 BTC, get 0.2 back in an hour. Only today! wallet in bio",
        "Get 10k followers for $5 at boost-fast.example (posted in {place} 40 times).",
        "Your parcel is held at the depot. Pay the 1.99 customs fee: parcel-fee.example",
    ),
    "misinformation": (
        "Doctors won't tell you: drinking salt water cures the flu in one day.",
        "Reminder: this year you vote on Wednesday, not Sunday! Share with everyone.",
        "This photo was taken this morning in {place}! (the picture is from 2015)",
        "Scientists admit the vaccine rewrites your DNA. Share before it's deleted.",
    ),
    "self_harm": (
        "[post describing self-injury; placeholder text for the demo]",
        "[message saying goodbye to friends in {place}; placeholder text]",
        "[list of extreme fasting tips; placeholder text for the demo]",
        "Six months clean today. Showing my healed arm to say it gets better.",
    ),
    "violent_graphic": (
        "[caption describing a street fight; placeholder text]",
        '"Look what happened on the motorway" [description of injuries; placeholder text]',
        "[caption praising an attack; placeholder text for the demo]",
        "[caption describing an animal being hurt; placeholder text]",
    ),
    "adult_nudity": (
        "[caption of an adult image; placeholder text]",
        "Click for the uncensored version [link to an adult site; placeholder]",
        "[message saying a private photo of an ex was posted; placeholder text]",
    ),
    "child_safety": (
        "[message flagged by the grooming classifier; placeholder text]",
        "[adult offering gift cards to a young user in {place}; placeholder text]",
        "[request for photos sent to a teen account; placeholder text]",
    ),
}


@dataclass(frozen=True)
class ReportWords:
    """What a person reads about a demo report: its title, why and how often it was
    reported, and the reported text (empty when the media speaks for itself)."""

    title: str
    report_count: int
    report_reason: str
    text: str


def report_words(category: str, rng: np.random.Generator, with_text: bool) -> ReportWords:
    """Title, report count and reason, and (with_text) the reported text of one report."""
    surface, place = _pick(rng, SURFACES), _pick(rng, PLACES)
    title = _pick(rng, TITLES[category]).format(surface=surface)
    title = f"{title[0].upper()}{title[1:]}"
    count = report_count(rng)
    reason = _pick(rng, REASONS[category])
    said = f"{count} report{'s' if count != 1 else ''}: {reason}"
    text = _pick(rng, TEXTS[category]).format(surface=surface, place=place) if with_text else ""
    return ReportWords(title, count, said, text)


def report_count(rng: np.random.Generator) -> int:
    """How many people reported it: mostly a few, now and then a crowd."""
    return int(min(250, 1 + int(rng.lognormal(1.0, 1.1))))


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]
