import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, "/work/wt-conv")
from bench import _database
from bench.bench_conversations import CLI, _write_mbox

folder = Path(sys.argv[1])
folder.mkdir(parents=True, exist_ok=True)
messages, contacts = int(sys.argv[2]), int(sys.argv[3])
db = _database.build("sqlite", contacts, folder)
env = {**db.environment, "CRM_IMPORTS_DIR": str(folder / "imports"), "CRM_PLUGINS": "conversations"}
subprocess.run([sys.executable, "-c", CLI, "migrate"], env=env, check=True, capture_output=True)
subprocess.run([sys.executable, "-c", CLI, "settings", "set", "conversations", "own_addresses", "acme.example"], env=env, check=True, capture_output=True)
_write_mbox(folder / "mailbox.mbox", messages, contacts)
(folder / "env.json").write_text(json.dumps(env))
print(env)
