"""An -ext mutator: marks every File element ReadOnly="yes", as text, in text mode."""
import re
import sys

text = sys.stdin.read()
print(re.sub(r"<File ", '<File ReadOnly="yes" ', text))
