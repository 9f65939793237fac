"""An -ext mutator that changes nothing and says so on standard error."""
import sys

sys.stdout.buffer.write(sys.stdin.buffer.read())
sys.stderr.write("note.py: nothing to change\n")
