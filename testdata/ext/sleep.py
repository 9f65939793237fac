"""An -ext mutator that never answers in time."""
import sys
import time

sys.stderr.write("sleep.py: thinking\n")
sys.stderr.flush()
time.sleep(600)
