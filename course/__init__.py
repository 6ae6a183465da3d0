"""The course's tooling, run as ``python -m course <verb>``.

One module per verb, each with ``register(subparsers)`` and ``main(args)``:
``data`` (prepare data sets), ``build`` (lessons → source → release), ``check`` (is the course
consistent?), ``lab`` (start JupyterLab on the lessons), ``bench`` (how fast it trains, runs, grades). Shared pieces: ``lessons`` (how one
bilingual lesson becomes one notebook per language) and ``paths``.
"""
