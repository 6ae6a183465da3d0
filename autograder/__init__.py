"""What grading needs beyond nbgrader: hidden tests per exercise, sample submissions, and their proof.

``autograder.exercises.<name>`` holds the hidden tests a source notebook calls from its
``### BEGIN HIDDEN TESTS`` block; ``autograder/submissions/<name>/`` holds answers, right and wrong,
that the test suite grades to prove the tests tell them apart.
"""
