"""An -ext mutator that changes nothing: standard input to standard output, byte for byte."""
import sys

sys.stdout.buffer.write(sys.stdin.buffer.read())
