"""`python -m quizgen` and the `quizgen` command. A Ctrl-C while Python is still loading quizgen ends as
quietly as one later on."""

import sys

from quizgen import signals


def run() -> None:
    try:
        # held while importing: raised inside a finalizer that an import runs, a Ctrl-C would vanish
        with signals.held():
            from quizgen.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
