"""Writes the request bodies of the peer benchmark's two cases to DIR: a.json (the 30 districts with their
first 10 lots each) and b.json (one district). Used by bench/peer.sh and bench/instructions.sh."""
import json
import sys

d = sys.argv[1]
a = ("query DistrictsWithLots { districts(first: 30) { nodes { code name population adults18Plus "
     "vaccineLots(first: 10) { lotNumber vaccine { code } dosesOnHand expiresOn } } } }")
b = 'query OneDistrict { district(code: "B07") { code name population adults18Plus } }'
json.dump({"query": a}, open(f"{d}/a.json", "w"))
json.dump({"query": b}, open(f"{d}/b.json", "w"))
