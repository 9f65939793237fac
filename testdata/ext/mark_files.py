"""An -ext mutator: marks every File element ReadOnly="yes", with Python's ElementTree."""
import sys
import xml.etree.ElementTree as ET

root = ET.fromstring(sys.stdin.buffer.read())
ns = root.tag[1:].split("}")[0]
ET.register_namespace("", ns)
for f in root.iter("{%s}File" % ns):
    f.set("ReadOnly", "yes")
sys.stdout.buffer.write(ET.tostring(root, encoding="utf-8"))
