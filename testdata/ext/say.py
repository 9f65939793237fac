"""An -ext mutator that writes its arguments on standard output instead of WiX."""
import sys

sys.stdin.buffer.read()
sys.stderr.write("say.py: here is my answer\n")
print(" ".join(sys.argv[1:]))
