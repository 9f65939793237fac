"""An -ext mutator that writes only the first half of the document."""
import sys

data = sys.stdin.buffer.read()
sys.stdout.buffer.write(data[: len(data) // 2])
