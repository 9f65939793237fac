"""An -ext mutator that fills its standard error before it reads its input, then copies it."""
import sys

sys.stderr.write("x" * (1 << 20) + "\nflood.py: done\n")
sys.stderr.flush()
sys.stdout.buffer.write(sys.stdin.buffer.read())
