"""The command line: argument parsing and dispatch only; each verb lives in `commands/<verb>.py`.

A verb module defines `HELP` (one line, Chinese), `configure(parser)` and `run(args) -> exit code`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from generator import __version__

# verb -> module under generator.commands (import_ because `import` is a keyword)
COMMANDS = {
    "check": "check",
    "build": "build",
    "schema": "schema",
    "synth": "synth",
    "archive": "archive",
    "verify": "verify",
    "import": "import_",
    "new": "new",
    "serve": "serve",
}
GUIDE = "docs/guide.md（录入指南）"
REPORT_TO = "README.md 中“Reporting problems”一节所说的维护者"
EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `verb`, only that verb's module is imported (a build starts faster)."""
    p = _Parser(prog="nianbao", description="政府信息公开工作年度报告静态门户生成器",
                epilog=f"怎样录入年报、每一项怎么填、检查结果怎么处理：见{GUIDE}。")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if verb is None or name == verb:
            module = importlib.import_module(f"generator.commands.{module_name}")
            module.configure(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return p


def main(argv: Sequence[str] | None = None, *, raise_internal: bool = False) -> int:
    """Run one verb; `raise_internal`: let an internal error propagate (for a debugger) instead of reporting it."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    verb = args_list[0] if args_list and args_list[0] in COMMANDS else None
    args = _parser(verb).parse_args(args_list)
    try:
        module = importlib.import_module(f"generator.commands.{COMMANDS[args.command]}")
        return int(module.run(args))
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: say it is our fault, and where to report it
        if raise_internal:
            raise
        traceback.print_exc()
        print(f"\nnianbao 内部错误（这不是内容的问题）。请将以上信息和所用命令报告给{REPORT_TO}。", file=sys.stderr)
        return EXIT_INTERNAL


def entry() -> NoReturn:
    """The `nianbao` command (`[project.scripts]`) and `python -m generator`. The environment is
    read here only: `NIANBAO_RAISE` set lets internal errors propagate."""
    sys.exit(main(raise_internal=bool(os.environ.get("NIANBAO_RAISE"))))
