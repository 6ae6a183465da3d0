"""The exercises of the course, one folder each (see :mod:`autograder.exercise` for what a folder holds).

Nothing is imported here: the grading sandbox imports this package to reach the probes, and holds
no judge, reference or case of any exercise.
"""
