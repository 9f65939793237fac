"""An -ext mutator: appends its argument to the Order attribute of every File element."""
import re
import sys

tag = sys.argv[1]


def add(m):
    attrs = m.group(1)
    found = re.search(r' Order="([^"]*)"', attrs)
    if found:
        attrs = attrs.replace(found.group(0), ' Order="%s%s"' % (found.group(1), tag))
    else:
        attrs += ' Order="%s"' % tag
    return "<File" + attrs


sys.stdout.buffer.write(re.sub(r"<File((?: [\w:]+=\"[^\"]*\")*)", add, sys.stdin.buffer.read().decode("utf-8")).encode("utf-8"))
