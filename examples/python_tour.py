"""A tour of `import dexvlg` (docs/python.md), notebook style: run it cell by cell or whole.

    PYTHONPATH=build/python /usr/bin/python3 examples/python_tour.py
"""
import numpy as np

import dexvlg

# %% the built-in Shadow Hand: joints, limits, forward kinematics
hand = dexvlg.Hand()
print(hand.name, hand.pose_size, "values per pose row:", hand.joint_names[:4], "...")
pose = np.zeros((1, hand.pose_size))
pose[0, 3] = 1.0  # identity rotation (w, x, y, z)
frames = hand.fk(pose)  # 1 x links x 4 x 4
print("fingertip of the index finger at", frames[0, hand.link_names.index("ffdistal"), :3, 3]
      if "ffdistal" in hand.link_names else frames[0, -1, :3, 3])

# %% a procedural mug with exact part labels
mug = dexvlg.load_object("mug")
print(mug["name"], mug["vertices"].shape, "parts:", mug["part_names"])

# %% synthesise a few grasps on the mug's body and simulate them (object free, six directions)
g = dexvlg.synthesize("mug", "body", mode="wrap", count=2, attempts=64)
print(len(g["grasp"]), "grasps in", round(g["seconds"], 1), "s; rejected:", g["rejected"])
if len(g["grasp"]):
    for r in dexvlg.validate("mug", g["pregrasp"], g["grasp"], g["squeeze"], part="body"):
        print("held" if r["success"] else "dropped: " + r["reason"], "-", r["caption"])

# %% the built-in model: a cloud in the table frame + an instruction -> grasps
model = dexvlg.Model("models/builtin")
rng = np.random.default_rng(0)
angle = rng.uniform(0, 2 * np.pi, 4000)
height = rng.uniform(0, 0.1, 4000)
points = np.stack([0.04 * np.cos(angle), 0.04 * np.sin(angle), height], 1).astype(np.float32)
colors = np.full((4000, 3), [200, 60, 40], np.uint8)
p = model.predict(points, colors, "pick up the can", count=4)
print("predicted root positions (m):\n", p["grasp"][:, :3].round(3))
