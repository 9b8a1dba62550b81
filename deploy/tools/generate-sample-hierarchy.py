#!/usr/bin/env python3
"""Generates the sample hierarchy.yaml and devices.yaml under deploy/config/.

The shape follows the published figures for Dongcheng district: Dongzhimen street divides
10 communities into 34 grids; a second, smaller street sits beside it. Names and phone numbers
are generated. The output is deterministic, so regenerating gives the same files.

Usage: python3 deploy/tools/generate-sample-hierarchy.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "config")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅琳慧建国志文斌宁欣悦晨"

people = []  # (id, name, phone, channels, roster)
counter = [0]


def person(prefix, channels=("app", "sms"), roster=None, name=None):
    counter[0] += 1
    n = counter[0]
    pid = f"{prefix}-{n:04d}"
    if name is None:
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 13 + 5) % len(GIVEN)]
    people.append((pid, name, f"1380010{n:04d}", channels, roster))
    return pid


DISTRICT = ("110101", "东城区")
STREETS = [
    ("110101008", "东直门街道", [
        ("工人体育馆社区", 4), ("新中街社区", 4), ("东环社区", 3), ("清水苑社区", 3), ("海运仓社区", 3),
        ("北官厅社区", 3), ("东外大街社区", 4), ("香河园社区", 3), ("十字坡社区", 4), ("南门仓社区", 3),
    ]),
    ("110101009", "北新桥街道", [("民安社区", 2), ("九道湾社区", 2), ("北新桥社区", 2)]),
]
STREET_ROADS = {"110101008": "工体北路", "110101009": "北新桥三条"}
DAY_SHIFT = [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "08:00", "to": "20:00"}]
NIGHT_SHIFT = [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "20:00", "to": "08:00"}]

devices = []


def q(s):
    return '"' + s.replace('"', '\\"') + '"'


def roster_yaml(roster, indent):
    pad = " " * indent
    lines = [f"{pad}roster:"]
    for w in roster:
        lines.append(f"{pad}  - days: [{', '.join(str(d) for d in w['days'])}]")
        lines.append(f"{pad}    from: {q(w['from'])}")
        lines.append(f"{pad}    to: {q(w['to'])}")
    return lines


def main():
    out = []
    body = []
    dcc = [person("dcc", ("app", "sms", "voice"), DAY_SHIFT), person("dcc", ("app", "sms", "voice"), NIGHT_SHIFT)]
    body.append("districts:")
    body.append(f"  - code: {q(DISTRICT[0])}")
    body.append(f"    name: {DISTRICT[1]}")
    body.append(f"    staff:")
    body.append(f"      districtCommandCentre: [{', '.join(dcc)}]")
    body.append(f"    streets:")
    lat0, lon0 = 39.930, 116.420
    for s_index, (s_code, s_name, communities) in enumerate(STREETS):
        duty = [person("duty", ("app", "voice"), DAY_SHIFT), person("duty", ("app", "voice"), NIGHT_SHIFT)]
        body.append(f"      - code: {q(s_code)}")
        body.append(f"        name: {s_name}")
        body.append(f"        staff:")
        body.append(f"          streetDutyOfficer: [{', '.join(duty)}]")
        body.append(f"        communities:")
        grid_row = 0
        for c_index, (c_name, grid_count) in enumerate(communities, start=1):
            c_code = f"{s_code}{c_index:03d}"
            head = person("head", name="赵慧兰" if (s_index, c_index) == (0, 1) else None)
            secretary = person("sec")
            body.append(f"          - code: {q(c_code)}")
            body.append(f"            name: {c_name}")
            body.append(f"            staff:")
            body.append(f"              stationHead: {head}")
            body.append(f"              communitySecretary: {secretary}")
            body.append(f"            grids:")
            for g_index in range(1, grid_count + 1):
                g_code = f"{c_code}{g_index:03d}"
                first = (s_index, c_index, g_index) == (0, 1, 1)
                worker = person("gw", name="毕琳" if first else None)
                leader = person("gl")
                manager = person("gm")
                supervisor = person("gs")
                assistant = person("ga")
                lat = lat0 + s_index * 0.05 + grid_row * 0.004
                lon = lon0 + (g_index - 1) * 0.004
                body.append(f"              - code: {q(g_code)}")
                body.append(f"                name: {c_name.replace('社区', '')}第{g_index}网格")
                body.append(f"                staff:")
                body.append(f"                  gridWorker: {worker}")
                body.append(f"                  gridLeader: {leader}")
                body.append(f"                  gridManager: {manager}")
                body.append(f"                  gridSupervisor: {supervisor}")
                body.append(f"                  gridAssistant: {assistant}")
                body.append(f"                boundary:")
                for (a, b) in [(0, 0), (0, 0.004), (0.004, 0.004), (0.004, 0)]:
                    body.append(f"                  - [{lat + a:.4f}, {lon + b:.4f}]")
                body.append(f"                buildings:")
                road = STREET_ROADS[s_code]
                numbers = [38, 40] if first else [c_index * 10 + g_index, c_index * 10 + g_index + 50]
                for number in numbers:
                    b_id = f"b-{g_code}-{number}"
                    captain = person("bc", ("sms",))
                    body.append(f"                  - id: {b_id}")
                    body.append(f"                    name: {road}{number}号楼")
                    body.append(f"                    addresses: [{road}{number}号楼, {road}{number}号院]")
                    body.append(f"                    staff:")
                    body.append(f"                      buildingCaptain: {captain}")
                    devices.append((f"gas-{g_code}-{number}", "alarm", g_code, b_id, lat + 0.001, lon + 0.001))
                    devices.append((f"smoke-{g_code}-{number}", "alarm", g_code, b_id, lat + 0.001, lon + 0.002))
                devices.append((f"cam-{g_code}-01", "camera", g_code, None, lat + 0.002, lon + 0.002))
                devices.append((f"care-{g_code}-01", "careSensor", g_code, f"b-{g_code}-{numbers[0]}", None, None))
            grid_row += 1
    for dept_prefix, count in [("gas", 2), ("prop", 2), ("police", 1), ("fire", 1), ("cm", 1), ("water", 1), ("power", 1), ("heat", 1), ("civil", 1), ("housing", 1)]:
        for _ in range(count):
            person(dept_prefix, ("app", "voice"))

    out.append("# Sample hierarchy: generated by deploy/tools/generate-sample-hierarchy.py; edit the script, not this file.")
    out.append("# 东城区 with 东直门街道 (10 communities, 34 grids) and 北新桥街道 (3 communities, 6 grids).")
    out.append("people:")
    for pid, name, phone, channels, roster in people:
        out.append(f"  - id: {pid}")
        out.append(f"    name: {name}")
        out.append(f"    phone: {q(phone)}")
        out.append(f"    channels: [{', '.join(channels)}]")
        if roster:
            out.extend(roster_yaml(roster, 4))
    out.extend(body)
    with open(os.path.join(OUT, "hierarchy.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")

    d = ["# Sample device registry: generated by deploy/tools/generate-sample-hierarchy.py.", "devices:"]
    for did, kind, grid, building, lat, lon in devices:
        d.append(f"  - id: {did}")
        d.append(f"    kind: {kind}")
        d.append(f"    grid: {q(grid)}")
        if building:
            d.append(f"    building: {building}")
        if lat is not None:
            d.append(f"    coordinate: [{lat:.4f}, {lon:.4f}]")
    with open(os.path.join(OUT, "devices.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(d) + "\n")


if __name__ == "__main__":
    main()
