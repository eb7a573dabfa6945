"""Prints example conversations with the real bot, as Markdown (docs/understanding.md).

python -m tools.transcripts > /tmp/examples.md
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tools.servers import running_bot

CONVERSATIONS = {
    "A twitch five days after the treatment, with a question: the answer, then the check": [
        "hi",
        "my eye keeps fluttering since my botox, is that normal?",
        "nope",
        "5 days ago",
        "can I drink coffee?",
        "no",
        "no, my vision is fine",
        "no",
    ],
    "A red flag confirmed with detail: back to the clinic today": [
        "my eyelid keeps twitching, had the jabs about 10 days ago",
        "no",
        "no it opens fine",
        "yes, mostly when I look to the side",
    ],
    "An emergency sign in the patient's own words: the emergency answer at once": [
        "since my botox food keeps getting stuck when I try to swallow",
    ],
}


def main() -> None:
    """Runs each conversation against the real servers and prints it."""
    with tempfile.TemporaryDirectory() as workdir, running_bot(Path(workdir)) as servers:
        for number, (title, messages) in enumerate(CONVERSATIONS.items()):
            sender = f"example-{number}"
            print(f"**{title}**\n")
            for message in messages:
                print(f"> **Patient:** {message}  ")
                for reply in servers.bot.say(sender, message):
                    if "text" not in reply:
                        continue  # the urgency payload for the widget
                    buttons = " ".join(f"[{b['title']}]" for b in reply.get("buttons", []))
                    print(f"> **Bot:** {reply['text']} {buttons}".rstrip() + "  ")
                print(">")
            slots = servers.bot.tracker(sender)["slots"]
            print(
                f"\n`triage_level`: `{slots['triage_level']}`, "
                f"`triage_reasons`: `{slots['triage_reasons']}`\n"
            )


if __name__ == "__main__":
    main()
