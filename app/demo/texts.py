"""Demo words: case titles, report reasons and reported texts, written from templates.

Each policy category has its own templates, so the demo queue reads like a day of real
reports (a marketplace listing, a reply under a news post, a group chat message) instead
of one label per category. Nothing harmful is written: where a real report would quote
abuse, the text holds a bracketed placeholder such as `[slur]` (every hate speech text has
one, so the term mask of resources/wordlists has something to hide). Everything is drawn from
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


@dataclass(frozen=True)
class Template:
    """One kind of report: its title, the reason reporters gave, and what they quoted
    ({surface} and {place} are filled in per report)."""

    title: str
    reason: str
    text: str


T = Template
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "hate_speech": (
        T(
            "{surface} attacking a religious group",
            "attacks a group of people",
            'Posted in {place}: "[religious group] are [slur] and should go back where they '
            'came from."',
        ),
        T(
            "{surface} with a slur against migrants",
            "hate speech",
            'Reply in {place}: "Send the [slur] back" with a laughing emoji. Liked 300 times.',
        ),
        T(
            "Hateful symbol in a {surface} banner",
            "hateful symbol",
            'Banner picture shows a [hateful symbol] over the caption "[slur] out".',
        ),
        T(
            "{surface} calling a group vermin",
            "dehumanising language",
            '"[group] are [dehumanising comparison], [slur] every one" under a story in {place}.',
        ),
        T(
            "Coded hate phrase in a {surface}",
            "hate speech",
            'Caption reads "[coded hateful number] [slur]"; the account name repeats it.',
        ),
        T(
            "{surface} urging action against a minority",
            "incites violence against a group",
            'Thread title: "Time to deal with the [slur] problem" followed by [call to '
            "exclude them].",
        ),
    ),
    "bullying_harassment": (
        T(
            "Pile-on in the replies to a {surface}",
            "harassment",
            'Forty replies in an hour from new accounts: "nobody wants you here, [insult]".',
        ),
        T(
            "{surface} mocking a classmate",
            "bullying",
            '"[user] cried in class again lol" with a poll in {place} asking who hates them.',
        ),
        T(
            "Home address posted in a {surface}",
            "shares someone's private information",
            'Screenshot with [user]\'s street and house number: "go say hi".',
        ),
        T(
            "Repeated insults in a {surface}",
            "harassment",
            'Sixth message today from the same account: "you can\'t block all of us, [insult]".',
        ),
        T(
            "{surface} threatening a streamer",
            "threatens someone",
            '"Keep streaming and see what happens when I find you" under a clip in {place}.',
        ),
        T(
            "Fake account impersonating a teacher ({surface})",
            "pretends to be someone",
            "Profile uses a teacher's name and photo and posts [mocking remarks] about pupils.",
        ),
    ),
    "spam_scams": (
        T(
            "Prize giveaway asking for a fee ({surface})",
            "scam or fraud",
            "CONGRATS!!! You won a phone. Claim at prize-claim.example within 24h, small fee only.",
        ),
        T(
            "Login page look-alike linked from a {surface}",
            "phishing",
            "Your account will be closed. Verify now: secure-login.example/verify",
        ),
        T(
            "Crypto doubling offer in a {surface}",
            "scam or fraud",
            "Send 0.1 BTC, get 0.2 back in an hour. Only today! Wallet in bio.",
        ),
        T(
            "Same link posted 40 times ({surface})",
            "spam",
            "Best deals here: deals-now.example (the same post, 40 times in {place}).",
        ),
        T(
            "Bought followers advertised in a {surface}",
            "fake engagement",
            "Get 10k followers for $5 at boost-fast.example, real-looking accounts guaranteed.",
        ),
        T(
            "Parcel delivery text scam ({surface})",
            "phishing",
            "Your parcel is held at the depot. Pay the 1.99 customs fee: parcel-fee.example",
        ),
    ),
    "misinformation": (
        T(
            "Miracle cure claim in a {surface}",
            "misleading health claim",
            "Doctors won't tell you: drinking salt water cures the flu in one day.",
        ),
        T(
            "Wrong polling-day date in a {surface}",
            "election misinformation",
            "Reminder: this year you vote on Wednesday, not Sunday! Share with everyone.",
        ),
        T(
            "Edited photo of a flood shared as new ({surface})",
            "false information",
            "This photo was taken this morning in {place}! (the picture is from 2015)",
        ),
        T(
            "{surface} claiming a vaccine changes DNA",
            "misleading health claim",
            "Scientists admit the vaccine rewrites your DNA. Share before it's deleted.",
        ),
        T(
            "Old clip presented as today's protest ({surface})",
            "false information",
            "Happening NOW downtown (the clip was filmed abroad three years ago).",
        ),
        T(
            "Fake quote attributed to a minister ({surface})",
            "false information",
            '"Pensions will be cut in half next year" - a quote no minister ever gave.',
        ),
    ),
    "self_harm": (
        T(
            "{surface} describing self-injury",
            "suicide or self-injury",
            "[post describing self-injury; placeholder text for the demo]",
        ),
        T(
            "Goodbye note in a {surface}",
            "someone may be at risk",
            "[message saying goodbye to friends in {place}; placeholder text]",
        ),
        T(
            "Extreme fasting tips in a {surface}",
            "eating disorder content",
            "[list of extreme fasting tips; placeholder text for the demo]",
        ),
        T(
            "{surface} asking how to hurt oneself",
            "someone may be at risk",
            "[question about ways to self-harm; placeholder text for the demo]",
        ),
        T(
            "Recovery story with healed scars ({surface})",
            "suicide or self-injury",
            "Six months clean today. Showing my healed arm to say it gets better.",
        ),
        T(
            "Worrying late-night {surface}",
            "someone may be at risk",
            "[late-night post about feeling hopeless; placeholder text]",
        ),
    ),
    "violent_graphic": (
        T(
            "Street fight filmed on a phone ({surface})",
            "violence",
            "[caption describing a street fight; placeholder text]",
        ),
        T(
            "Accident scene with injuries ({surface})",
            "graphic content",
            '"Look what happened on the motorway" [description of injuries; placeholder]',
        ),
        T(
            "{surface} praising a recent attack",
            "glorifies violence",
            "[caption praising an attack; placeholder text for the demo]",
        ),
        T(
            "Animal mistreatment clip ({surface})",
            "animal cruelty",
            "[caption describing an animal being hurt; placeholder text]",
        ),
        T(
            "Injury photo after a protest ({surface})",
            "graphic content",
            "Photo from the march in {place} [description of a head wound; placeholder]",
        ),
        T(
            "War footage without a warning ({surface})",
            "graphic content",
            "[caption of front-line footage, no content warning; placeholder text]",
        ),
    ),
    "adult_nudity": (
        T("Nude image in a {surface}", "nudity", "[caption of an adult image; placeholder text]"),
        T(
            "Suggestive thumbnail on a {surface}",
            "sexual content",
            "[suggestive caption on a video thumbnail; placeholder text]",
        ),
        T(
            "Explicit link in a {surface}",
            "sexual content",
            "Click for the uncensored version [link to an adult site; placeholder]",
        ),
        T(
            "Private photo shared without consent ({surface})",
            "shared without consent",
            "[message saying a private photo of an ex was posted; placeholder text]",
        ),
        T(
            "Adult content in an all-ages {surface}",
            "nudity",
            "[adult image posted in {place}, an all-ages space; placeholder text]",
        ),
        T(
            "Underwear advert flagged by a filter ({surface})",
            "nudity",
            "New summer collection, 30% off this week only.",
        ),
    ),
    "child_safety": (
        T(
            "Adult asking a minor to chat privately ({surface})",
            "inappropriate contact with a minor",
            "[adult asking a young user to move to a private app; placeholder text]",
        ),
        T(
            "Gift offers to a young user ({surface})",
            "inappropriate contact with a minor",
            "[adult offering gift cards to a young user in {place}; placeholder text]",
        ),
        T(
            "{surface} flagged by the grooming classifier",
            "a child may be at risk",
            "[message flagged by the grooming classifier; placeholder text]",
        ),
        T(
            "Minor in an unsafe stunt video ({surface})",
            "a child may be at risk",
            "[caption of a dangerous stunt filmed by a young user; placeholder text]",
        ),
        T(
            "Request for photos from a teen account ({surface})",
            "inappropriate contact with a minor",
            "[request for photos sent to a teen account; placeholder text]",
        ),
        T(
            "Hash match on an uploaded image ({surface})",
            "a child may be at risk",
            "[automated hash-match notice; no text was posted]",
        ),
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
    kind = TEMPLATES[category][int(rng.integers(len(TEMPLATES[category])))]
    title = kind.title.format(surface=surface)
    count = report_count(rng)
    said = f"{count} report{'s' if count != 1 else ''}: {kind.reason}"
    text = kind.text.format(surface=surface, place=place) if with_text else ""
    return ReportWords(f"{title[0].upper()}{title[1:]}", count, said, text)


def report_count(rng: np.random.Generator) -> int:
    """How many people reported it: mostly a few, now and then a crowd."""
    return int(min(250, 1 + int(rng.lognormal(1.0, 1.1))))


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]
