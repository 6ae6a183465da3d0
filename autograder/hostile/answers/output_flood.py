import sys

chunk = "flood " * 100_000
while True:
    sys.stderr.write(chunk)
