# A first cell that replaces run_cell so that nothing after it really runs.
shell = get_ipython()
original = shell.run_cell
shell.run_cell = lambda *args, **kwargs: original("pass")
