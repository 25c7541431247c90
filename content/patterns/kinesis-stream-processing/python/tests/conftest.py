import sys
from pathlib import Path

# The handlers import each other as top-level modules, as they do inside the Lambda bundle.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "functions"))
