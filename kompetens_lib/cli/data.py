"""``kompetens data fetch|import|cache``: the data layer's commands, their parsers and output.

The work is done by the data layer (:func:`~kompetens_lib.data.scb_api.fetch_table`,
:func:`~kompetens_lib.data.scb_import.import_scb_file`,
:func:`~kompetens_lib.data.cache.build_cache` …); this module parses, prints and returns the
exit code: 0 on success, 1 when the API or a file failed, 2 for wrong arguments.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from kompetens_lib.cli.parser import SwedishArgumentParser
from kompetens_lib.errors import KompetensError

__all__ = ["add_data_parser"]

#: ``--sep`` values: the characters and their Swedish (and English) names.
SEP_ARGS = {",": ",", ";": ";", "komma": ",", "semikolon": ";", "tabb": "\t", "tab": "\t"}
#: Defaults repeated here so that ``--help`` does not import the data layer.
DEFAULT_API_URL = "https://statistikdatabasen.scb.se/api/v2"
API_URL_ENV = "KOMPETENS_SCB_API_URL"
DEFAULT_CACHE_DIR = "kompetens-data"


def add_data_parser(commands: argparse._SubParsersAction) -> SwedishArgumentParser:
    """Add ``data`` with its subcommands ``fetch``, ``import`` and ``cache`` to ``commands``."""
    data = commands.add_parser(
        "data", help="hantera data: hämta från SCB:s API, läs in nedladdade filer, bygg en cache",
        description="Datakommandon. 'kompetens data import FIL' läser en CSV- eller "
                    "Excelfil som laddats ned från SCB:s statistikdatabas till långt format; "
                    "'kompetens data fetch' hämtar en tabell eller ett recept via SCB:s API; "
                    "'kompetens data cache' förbereder en mapp för att köra utan nätverk.")
    actions = data.add_subparsers(dest="action", metavar="ÅTGÄRD", title="åtgärder",
                                  required=True)
    _fetch_parser(actions)
    _import_parser(actions)
    _cache_parser(actions)
    return data


def _fail(prog: str, message: str) -> int:
    print(f"{prog}: fel: {message}", file=sys.stderr)
    return 1


# --------------------------------------------------------------------------- fetch


def _fetch_parser(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "fetch", help="hämta en tabell eller ett recept via SCB:s API",
        description=(
            "Hämtar en tabell ur SCB:s statistikdatabas via API:t (PxWeb v2) till en lång "
            "tabell med en kodkolumn och en etikettkolumn per variabel och värdet i 'value', "
            "och skriver den som parquet eller CSV med en proveniensfil bredvid. Med --recipe "
            "hämtas i stället en av arbetsbokens tabeller i exakt den form arbetsboken läser."
        ),
        epilog=(
            "Exempel: kompetens data fetch TAB638 --select Region=12 --select Tid=2023 "
            "--out befolkning.csv\n"
            "         kompetens data fetch --recipe employment --out data/employed.parquet\n"
            "         kompetens data fetch --list"
        ),
    )
    parser.add_argument("table", nargs="?", metavar="TABELL",
                        help="SCB:s tabell-id, t.ex. TAB638 (utelämnas med --recipe)")
    parser.add_argument("--recipe", "--recept", metavar="RECEPT",
                        help="hämta en av arbetsbokens tabeller (se --list)")
    parser.add_argument("--select", action="append", default=[], metavar="VAR=KOD,KOD",
                        help="välj värden, t.ex. Region=01,03 eller Tid=2023 (flera går "
                             "bra; '*' = alla). Med --recipe går bara år att välja.")
    parser.add_argument("--out", "-o", metavar="FIL",
                        help="var tabellen skrivs (.parquet eller .csv); skrivs över om den "
                             "finns. Utan --out: TABELL.parquet i aktuell mapp, men aldrig "
                             "över en befintlig fil.")
    parser.add_argument("--api-url", metavar="URL",
                        help=f"API:ts adress (standard: ${API_URL_ENV} eller "
                             f"{DEFAULT_API_URL})")
    parser.add_argument("--variables", "--variabler", action="store_true",
                        help="visa tabellens variabler och koder i stället för att hämta")
    parser.add_argument("--list", "--lista", action="store_true",
                        help="lista recepten och avsluta")
    parser.set_defaults(handler=functools.partial(_fetch, parser))


def _fetch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from kompetens_lib.data import recipes
    from kompetens_lib.data.scb_api import (
        ScbClient,
        check_table_id,
        describe_table,
        parse_select,
        summary,
        write_table,
    )

    prog = parser.prog
    out = None
    try:
        if args.list:
            print(recipes.describe())
            return 0
        if bool(args.table) == bool(args.recipe):
            parser.print_usage(sys.stderr)
            print(f"{prog}: fel: ange antingen ett tabell-id (t.ex. TAB638) eller --recipe "
                  "NAMN, inte båda och inte ingetdera. 'kompetens data fetch --list' visar "
                  "recepten.", file=sys.stderr)
            return 2
        select = parse_select(args.select)
        if args.recipe:
            recipe = recipes.get_recipe(args.recipe)
            default_name = f"{recipe.output}.parquet"
        else:
            recipe = None
            default_name = f"{check_table_id(args.table)}.parquet"
        out = Path(args.out) if args.out else Path(default_name)
        if not args.out and out.exists() and not args.variables:
            return _fail(prog, f"{out} finns redan. Ange --out {out} för att skriva över den, "
                               "eller ett annat filnamn.")
        if recipe is not None:
            if args.variables:
                raise KompetensError("--variables gäller ett tabell-id, inte ett recept.")
            years = recipes.years_from_select(select)
            frame = recipes.fetch_recipe(recipe.name, api_url=args.api_url, years=years)
        else:
            client = ScbClient(args.api_url)
            if args.variables:
                print(describe_table(client, args.table))
                return 0
            frame = client.fetch(args.table, select)
        written = write_table(frame, out)
    except KompetensError as exc:  # ScbApiError included
        return _fail(prog, str(exc))
    except OSError as exc:
        return _fail(prog, f"kunde inte skriva {out}: {exc.strerror or exc}.")
    print(summary(frame, written))
    return 0


# --------------------------------------------------------------------------- import


def _import_parser(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "import", help="läs in en fil som laddats ned från SCB:s statistikdatabas",
        description=(
            "Läser en fil som laddats ned för hand från SCB:s statistikdatabas (CSV eller "
            ".xlsx), gör om den till en lång tabell (en rad per etikettkombination och år) "
            "och skriver den som parquet eller CSV."
        ),
        epilog="Exempel: kompetens data import UF0506A1.csv --out data/uf0506.parquet",
    )
    parser.add_argument("file", metavar="FIL", help="filen från SCB (.csv eller .xlsx)")
    parser.add_argument(
        "--out", "-o", metavar="FIL",
        help="var tabellen skrivs (.parquet eller .csv); skrivs över om den finns. Utan "
             "--out skrivs FIL.parquet bredvid indata, men aldrig över en befintlig fil.")
    parser.add_argument("--encoding", metavar="KODNING",
                        help="teckenkodning, t.ex. latin-1 eller utf-8 (annars gissas den)")
    parser.add_argument("--sep", metavar="AVGRÄNSARE", choices=sorted(SEP_ARGS),
                        help="komma, semikolon eller tabb (annars gissas den)")
    parser.add_argument("--sheet", metavar="BLAD", help="Excel-blad (annars det första)")
    parser.add_argument("--strict", "--strikt", action="store_true",
                        help="avbryt om delarna inte summerar till totalen")
    parser.add_argument("--decimal", "--decimaltecken", choices=[",", "."], metavar="TECKEN",
                        help="decimaltecknet, komma eller punkt, när filen inte avgör det "
                             "själv (t.ex. när alla tal ser ut som 1,234)")
    parser.set_defaults(handler=functools.partial(_import, parser.prog))


def _import(prog: str, args: argparse.Namespace) -> int:
    from kompetens_lib.data.scb_import import format_report, import_scb_file, write_tidy

    source = Path(args.file)
    if args.out:
        out = Path(args.out)
    else:
        out = source.with_suffix(".parquet")
        if out.exists():
            return _fail(prog, f"{out} finns redan. Ange --out {out} för att skriva över den, "
                               "eller ett annat filnamn.")
    sep = SEP_ARGS[args.sep] if args.sep else None
    try:
        frame = import_scb_file(source, encoding=args.encoding, sep=sep, sheet=args.sheet,
                                strict_totals=args.strict, decimal=args.decimal)
        written = write_tidy(frame, out)
    except KompetensError as exc:
        return _fail(prog, str(exc))
    except OSError as exc:
        return _fail(prog, f"kunde inte skriva {out}: {exc.strerror or exc}.")
    print(format_report(frame.attrs["import_report"], written=str(written)))
    return 0


# --------------------------------------------------------------------------- cache


def _cache_parser(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "cache", help="förbered en datamapp för arbete utan nätverk",
        description=(
            "Förbereder en mapp med allt en workshop behöver för att köra utan nätverk: "
            "arbetsbokens tabeller hämtade från SCB:s API (recepten), egna filer och en ifylld "
            "T&P-mall, med provenance.json och manifest.json (kontrollsummor). Använd mappen "
            "som datakälla med --data MAPP eller KOMPETENS_DATA=MAPP."
        ),
        epilog=(
            "Exempel: kompetens data cache --out workshop-data\n"
            "         kompetens data cache --out workshop-data --tp-template tp_2023.csv\n"
            "         kompetens data cache --out workshop-data --from-files employed.parquet\n"
            "         kompetens data cache --out workshop-data --check"
        ),
    )
    parser.add_argument("--out", "-o", default=DEFAULT_CACHE_DIR, metavar="MAPP",
                        help=f"cachemappen (standard: {DEFAULT_CACHE_DIR})")
    parser.add_argument("--recipes", "--recept", nargs="+", metavar="RECEPT",
                        help="recept att hämta från SCB (standard: arbetsbokens tabeller om "
                             "inget annat anges; se 'kompetens data fetch --list')")
    parser.add_argument("--from-files", nargs="+", default=[], metavar="[NAMN=]FIL",
                        help="färdiga tabeller att lägga in, t.ex. employed=hämtad.parquet")
    parser.add_argument("--tp-template", "--tp-mall", metavar="FIL",
                        help="ifylld T&P-mall (docs/tp-mall.md) → national_forecast")
    parser.add_argument("--population-template", "--befolkningsprognos", metavar="FIL",
                        help="regionens egen befolkningsprognos "
                             "(docs/data.md) → population")
    parser.add_argument("--select", action="append", default=[], metavar="Tid=ÅR,ÅR",
                        help="bara dessa år, t.ex. Tid=2022,2023")
    parser.add_argument("--api-url", metavar="URL",
                        help=f"API:ts adress (standard: ${API_URL_ENV} eller {DEFAULT_API_URL})")
    parser.add_argument("--check", "--kontrollera", action="store_true",
                        help="kontrollera en befintlig cache mot manifest.json och avsluta")
    parser.set_defaults(handler=functools.partial(_cache, parser.prog))


def _cache(prog: str, args: argparse.Namespace) -> int:
    from kompetens_lib.data.cache import build_cache, summary, verify_cache
    from kompetens_lib.data.recipes import years_from_select
    from kompetens_lib.data.scb_api import parse_select

    try:
        if args.check:
            names = verify_cache(args.out)
            print(f"Cachen i {args.out} stämmer med manifest.json: {', '.join(names)}.")
            return 0
        years = years_from_select(parse_select(args.select))
        report = build_cache(args.out, recipes=args.recipes, from_files=args.from_files,
                             tp_template=args.tp_template, api_url=args.api_url, years=years,
                             population_template=args.population_template)
    except KompetensError as exc:  # ScbApiError included
        return _fail(prog, str(exc))
    except OSError as exc:
        return _fail(prog, f"kunde inte skriva i {args.out}: {exc.strerror or exc}.")
    except KeyboardInterrupt:
        print(f"\nAvbrutet. Cachen i {args.out} blev inte klar; kör samma kommando igen för "
              "att bygga den.", file=sys.stderr, flush=True)
        return 130
    print(summary(report))
    return 0 if report.ok else 1
