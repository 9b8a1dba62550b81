#!/usr/bin/env python3
"""Generates deploy/simulation/sample-week.jsonl: a week of traffic for `gridwatch simulate`.

One week (Monday 2026-11-02 to Sunday 2026-11-08, Beijing time) over the sample hierarchy:
hotline requests of the catalogue's categories (more by day than by night), repeat callers
about the same problem, gas and smoke alarms (some cancelled within minutes: false alarms),
camera detections and care-sensor alerts, and the field work on them: sign-for by the grid
worker (sometimes late, then by the community station head), handling, the supervisor's
verification (sometimes failed: rework), the callback's rating (sometimes unsatisfied), and
summoned departments reporting in. A few cases are never signed for and climb to the district;
a few requests are delivered twice; a few events are invalid and dead-lettered. Deterministic: the same seed writes the same file.

    python3 deploy/tools/generate-simulation-sample.py [--seed N] [--out PATH]
"""
import argparse
import datetime as dt
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 2, 0, 0, tzinfo=CST)
DAYS = 7
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)

# Hotline categories: (code, weight per day, severity class). Severity classes follow
# deploy/config/policies.yaml: sign-for within 10 min (critical), 1 h (high, utilities), 2 h.
HOTLINE = [
    ("noise", 18, "normal"), ("garbage", 14, "normal"), ("street-vending", 10, "normal"),
    ("building-facilities", 12, "normal"), ("water-outage", 5, "utility"), ("power-outage", 4, "utility"),
    ("heating", 6, "utility"), ("public-order", 4, "high"), ("elderly-help", 4, "high"),
    ("objects-from-height", 2, "high"), ("neighbour-dispute", 6, "normal"), ("consultation", 8, "consultation"),
    ("gas-leak", 0.4, "critical"), ("fire", 0.2, "critical"),
]
# Sign-for and resolve deadlines by level; a resolve deadline runs from the dispatch to the level.
SIGN_FOR = {
    "critical": {"grid": 10 * MIN, "community": 10 * MIN, "street": 10 * MIN},
    "high": {"grid": HOUR, "community": HOUR, "street": 30 * MIN},
    "utility": {"grid": HOUR, "community": HOUR, "street": HOUR},
    "normal": {"grid": 2 * HOUR, "community": 2 * HOUR, "street": HOUR},
    "consultation": {"community": 2 * HOUR, "street": HOUR},
}
RESOLVE = {
    "critical": {"grid": HOUR, "community": 30 * MIN, "street": 15 * MIN},
    "high": {"grid": 24 * HOUR, "community": 24 * HOUR, "street": 12 * HOUR},
    "utility": {"grid": 12 * HOUR, "community": 6 * HOUR, "street": 3 * HOUR},
    "normal": {"grid": 72 * HOUR, "community": 48 * HOUR, "street": 24 * HOUR},
    "consultation": {"community": 48 * HOUR, "street": 24 * HOUR},
}
# Where a case is signed for: mostly where it starts; sometimes late, one or two levels up;
# sometimes never (it climbs to the top level and is reminded there).
SIGNED_AT = {
    "critical": [("grid", 0.99), (None, 0.01)],
    "consultation": [("community", 0.95), ("street", 0.03), (None, 0.02)],
}
DEFAULT_SIGNED_AT = [("grid", 0.88), ("community", 0.07), ("street", 0.03), (None, 0.02)]
VERIFY = {"critical": 2 * HOUR}
DEFAULT_VERIFY = 24 * HOUR
# Departments summoned at dispatch by critical policies (owners, and the overrides' extra summons).
SUMMONED = {
    "hotline.gas-leak": [("gas-company", "gas-0313"), ("property-management", "prop-0315")],
    "hotline.fire": [("fire", "fire-0318")],
    "alarm.combustible-gas": [("gas-company", "gas-0313"), ("property-management", "prop-0315")],
    "alarm.smoke": [("fire", "fire-0318")],
}
COMPLAINTS = {
    "noise": "楼下商铺夜间噪声扰民", "garbage": "小区垃圾桶满溢无人清运", "street-vending": "路口有流动摊贩占道经营",
    "building-facilities": "楼道灯损坏", "water-outage": "全楼停水", "power-outage": "单元停电", "heating": "暖气不热",
    "public-order": "有人在小区门口聚集闹事", "elderly-help": "独居老人多日未出门", "objects-from-height": "楼上有人高空抛物",
    "neighbour-dispute": "邻居装修纠纷", "consultation": "咨询居住证办理", "gas-leak": "楼道有燃气味", "fire": "楼内冒烟",
}


def iso(t):
    return t.isoformat(timespec="seconds")


class Week:
    def __init__(self, seed):
        self.random = random.Random(seed)
        self.events = []
        self.request_number = 0
        self.alarm_number = 0
        hierarchy = __import__("yaml").safe_load((ROOT / "deploy/config/hierarchy.yaml").read_text())
        devices = __import__("yaml").safe_load((ROOT / "deploy/config/devices.yaml").read_text())["devices"]
        self.grids = []
        for district in hierarchy["districts"]:
            for street in district["streets"]:
                for community in street["communities"]:
                    for grid in community["grids"]:
                        self.grids.append({
                            "code": grid["code"], "worker": grid["staff"]["gridWorker"],
                            "supervisor": grid["staff"]["gridSupervisor"],
                            "head": community["staff"]["stationHead"],
                            "secretary": community["staff"]["communitySecretary"],
                            "duty": street["staff"]["streetDutyOfficer"][0],
                            "buildings": [b["name"] for b in grid.get("buildings", [])],
                        })
        self.devices = {kind: [d for d in devices if d["id"].startswith(kind)] for kind in ("gas", "smoke", "cam", "care")}
        self.last_request = {}

    def add(self, at, routing_key, body, person=None, department=None, case_of=None):
        event = {"at": iso(at), "routingKey": routing_key, "body": body}
        if person:
            event["person"] = person
        if department:
            event["department"] = department
        if case_of:
            event["caseOf"] = case_of
        self.events.append((at, len(self.events), event))

    def field(self, at, case_of, update, person=None, department=None, **fields):
        body = {"type": update, "sentAt": iso(at), **fields}
        self.add(at, "field.app", body, person=person, department=department, case_of=case_of)

    def moment(self, day):
        """A time on `day`, weighted to office hours as hotline traffic is."""
        hour = self.random.choices(range(24), weights=[1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 10, 12, 14, 14, 12, 10, 8, 7, 6, 4, 3, 2])[0]
        return START + dt.timedelta(days=day, hours=hour, minutes=self.random.randrange(60), seconds=self.random.randrange(60))

    # The life of one case after dispatch, as the field apps and the callback report it.
    def work(self, opened, case_of, severity, grid, summoned=(), rated=True):
        r = self.random
        for department, contact in summoned:
            self.field(opened + r.uniform(4, 15) * MIN, case_of, "reportIn", person=contact, department=department)
        choices = SIGNED_AT.get(severity, DEFAULT_SIGNED_AT)
        level = r.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
        if level is None:
            return  # nobody signs for it: it climbs to the top level and is reminded there
        windows = SIGN_FOR[severity]
        levels = list(windows)
        # The case reaches `level` when every sign-for window below it has passed.
        since = opened + sum((windows[below] for below in levels[:levels.index(level)]), dt.timedelta())
        sign_window = windows[level]
        signed = since + r.uniform(0.05, 0.85) * sign_window
        handler = {"grid": grid["worker"], "community": r.choice([grid["head"], grid["secretary"]]), "street": grid["duty"]}[level]
        self.field(signed, case_of, "signFor", person=handler)
        if r.random() < 0.02:
            return  # signed for but never handled: the resolve deadline escalates it
        resolve = RESOLVE[severity][level]
        if severity != "critical" and r.random() < 0.3:
            self.field(signed + r.uniform(0.05, 0.2) * resolve, case_of, "progress", person=handler, note="已联系相关单位，正在处理")
        # Handled before the resolve deadline, which runs from the dispatch to the level.
        handled = max(since + r.uniform(0.45, 0.9) * resolve, signed + 5 * MIN)
        self.field(handled, case_of, "handled", person=handler, note="处置完毕")
        verifier = grid["supervisor"]
        verify_window = VERIFY.get(severity, DEFAULT_VERIFY)
        verified = handled + r.uniform(0.1, 0.7) * verify_window
        if r.random() < 0.06:
            self.field(verified, case_of, "verify", person=verifier, passed=False, note="现场仍有问题")
            handled = verified + r.uniform(0.1, 0.3) * resolve
            self.field(handled, case_of, "handled", person=handler, note="已整改")
            verified = handled + r.uniform(0.1, 0.7) * verify_window
        self.field(verified, case_of, "verify", person=verifier, passed=True, note="核查通过")
        if rated and r.random() < 0.75:
            rated_at = verified + r.uniform(2, 20) * HOUR
            satisfied = r.random() < 0.88
            self.field(rated_at, case_of, "rate", satisfied=satisfied)
            if not satisfied:
                again = rated_at + r.uniform(0.1, 0.8) * sign_window
                self.field(again, case_of, "signFor", person=handler)
                handled = again + r.uniform(0.2, 0.6) * resolve
                self.field(handled, case_of, "handled", person=handler, note="再次处置")
                self.field(handled + r.uniform(0.1, 0.6) * verify_window, case_of, "verify", person=verifier, passed=True, note="核查通过")

    def hotline(self, day):
        r = self.random
        code, _, severity = r.choices(HOTLINE, weights=[w for _, w, _ in HOTLINE])[0]
        # Two independent requests of one category in one grid within the correlation window
        # would fold into one case; keep them apart (repeat callers are added on purpose below).
        for _ in range(20):
            grid, at = r.choice(self.grids), self.moment(day)
            previous = self.last_request.get((grid["code"], code))
            if previous is None or abs(at - previous) > 2 * HOUR:
                break
        self.last_request[(grid["code"], code)] = at
        request_id = self.request(at, code, grid)
        self.work(at, "hotline:" + request_id, severity, grid, summoned=SUMMONED.get("hotline." + code, ()))
        if r.random() < 0.06:  # another caller about the same problem: folds into the case
            self.request(at + r.uniform(3, 20) * MIN, code, grid)

    def request(self, at, code, grid):
        self.request_number += 1
        request_id = f"12345-{at:%Y%m%d}-{self.request_number:04d}"
        building = self.random.choice(grid["buildings"]) if grid["buildings"] else ""
        body = {
            "service_request_id": request_id, "status": "open", "service_code": code,
            "requested_datetime": iso(at), "description": COMPLAINTS[code],
            "address_string": building, "grid_code": grid["code"],
            "caller": {"name": "市民", "phone": f"139{self.random.randrange(10**8):08d}"},
        }
        if not building:
            del body["address_string"]
        self.add(at, "hotline.12345", body)
        if self.random.random() < 0.01:  # the hotline system sends it again: a duplicate, counted once
            self.add(at + dt.timedelta(seconds=2), "hotline.12345", body)
        return request_id

    def alarm(self, day):
        r = self.random
        kind = r.choice(["gas", "smoke"])
        device = r.choice(self.devices[kind])
        grid = next(g for g in self.grids if g["code"] == device["grid"])
        at = self.moment(day)
        self.alarm_number += 1
        identifier = f"{device['id'].upper()}-{at:%Y%m%d-%H%M%S}"
        event = "combustible-gas" if kind == "gas" else "smoke"
        body = {
            "identifier": identifier, "sender": "gateway-dongzhimen", "sent": iso(at), "status": "Actual",
            "msgType": "Alert", "deviceId": device["id"],
            "info": {"event": event, "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed"},
        }
        self.add(at, "alarm.gateway", body)
        if r.random() < 0.35:  # the gateway cancels it: cooking smoke, a sensor test
            cancelled = at + r.uniform(1, 5) * MIN
            cancel = {
                "identifier": identifier + "-C", "sender": "gateway-dongzhimen", "sent": iso(cancelled),
                "status": "Actual", "msgType": "Cancel", "references": [identifier], "deviceId": device["id"],
                "info": {"event": event, "urgency": "Past", "severity": "Unknown", "certainty": "Unlikely"},
            }
            self.add(cancelled, "alarm.gateway", cancel)
            return
        key = f"alarm:gateway-dongzhimen:{identifier}"
        self.work(at, key, "critical", grid, summoned=SUMMONED["alarm." + event], rated=False)

    def camera(self, day):
        r = self.random
        camera = r.choice(self.devices["cam"])
        grid = next(g for g in self.grids if g["code"] == camera["grid"])
        at = self.moment(day)
        detection = r.choice(["garbageOverflow", "streetVending", "exposedGarbage", "debrisPile"])
        body = {"cameraId": camera["id"], "detection": detection, "confidence": round(r.uniform(0.86, 0.98), 2),
                "detectedAt": iso(at)}
        self.add(at, "camera.ai", body)
        self.work(at, f"camera:{camera['id']}:{int(at.timestamp())}", "normal", grid, rated=False)

    def care(self, day):
        r = self.random
        sensor = r.choice(self.devices["care"])
        grid = next(g for g in self.grids if g["code"] == sensor["grid"])
        at = self.moment(day)
        body = {"sensorId": sensor["id"], "signal": r.choice(["water", "door", "motion"]),
                "inactiveSince": iso(at - r.uniform(24, 30) * HOUR), "observedAt": iso(at)}
        self.add(at, "care.sensor", body)
        self.work(at, f"care:{sensor['id']}:{int(at.timestamp())}", "high", grid, rated=False)

    def mistakes(self):
        """What a real feed also carries: an unknown category, an exercise, an unknown case."""
        at = START + dt.timedelta(days=2, hours=10, minutes=7)
        grid = self.grids[0]
        self.request_number += 1
        self.add(at, "hotline.12345", {"service_request_id": f"12345-{at:%Y%m%d}-{self.request_number:04d}", "status": "open",
                                       "service_code": "pet-adoption", "requested_datetime": iso(at), "grid_code": grid["code"]})
        drill = START + dt.timedelta(days=4, hours=15)
        self.add(drill, "alarm.gateway", {
            "identifier": "SMOKE-DRILL-1", "sender": "gateway-dongzhimen", "sent": iso(drill), "status": "Exercise",
            "msgType": "Alert", "deviceId": self.devices["smoke"][0]["id"],
            "info": {"event": "smoke", "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed"}})
        late = START + dt.timedelta(days=5, hours=9, minutes=30)
        self.add(late, "field.app", {"caseId": "GW-0000000000000000", "type": "signFor", "sentAt": iso(late)}, person=grid["worker"])

    def generate(self):
        r = self.random
        for day in range(DAYS):
            weekend = day >= 5
            for _ in range(int(r.gauss(70 if weekend else 95, 8))):
                self.hotline(day)
            for _ in range(r.randrange(3, 7)):
                self.alarm(day)
            for _ in range(r.randrange(2, 5)):
                self.camera(day)
            for _ in range(r.randrange(0, 3)):
                self.care(day)
        self.mistakes()
        self.events.sort(key=lambda e: (e[0], e[1]))
        return [e for _, _, e in self.events]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261102)
    parser.add_argument("--out", type=Path, default=ROOT / "deploy/simulation/sample-week.jsonl")
    args = parser.parse_args()
    events = Week(args.seed).generate()
    with args.out.open("w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(events)} events → {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
