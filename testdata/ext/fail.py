"""An -ext mutator that fails: a message on standard error, exit code 3."""
import sys

sys.stdin.buffer.read()
sys.stderr.write("fail.py: cannot make sense of this harvest\n")
sys.exit(3)
