"""An -ext mutator that writes the file named by its argument on standard output, whatever it
reads: the tests choose the program's output (a hostile one, say)."""
import sys

sys.stdin.buffer.read()
with open(sys.argv[1], "rb") as f:
    sys.stdout.buffer.write(f.read())
