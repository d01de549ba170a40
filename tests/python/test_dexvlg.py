"""The Python bindings (`import dexvlg`), run by ctest with the system python3.

usage: test_dexvlg.py DEXVLG_BINARY MODEL_DIR
"""
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import dexvlg

BINARY, MODEL = sys.argv[1], sys.argv[2]


class Bindings(unittest.TestCase):
    def test_hand_and_forward_kinematics(self):
        hand = dexvlg.Hand()
        self.assertEqual(len(hand.joint_names), 22)
        self.assertEqual(hand.pose_size, 29)
        lim = hand.joint_limits
        self.assertTrue(np.all(lim[:, 1] > lim[:, 0]))
        rest = np.zeros((2, 29))
        rest[:, 3] = 1.0
        rest[1, :3] = [0.1, -0.2, 0.3]
        T = hand.fk(rest)
        self.assertEqual(T.shape, (2, len(hand.link_names), 4, 4))
        # the root frame is the pose itself; a translation moves every link by it
        np.testing.assert_allclose(T[1, 0, :3, 3], [0.1, -0.2, 0.3], atol=1e-12)
        np.testing.assert_allclose(T[1, :, :3, 3] - T[0, :, :3, 3],
                                   np.tile([0.1, -0.2, 0.3], (T.shape[1], 1)), atol=1e-12)
        R = T[0, 5, :3, :3]
        np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-9)
        with self.assertRaises(ValueError):
            hand.fk(np.zeros((2, 5)))

    def test_objects_synthesis_validation_and_grasp_files(self):
        mug = dexvlg.load_object("mug")
        self.assertEqual(mug["part_names"], ["body", "handle"])
        self.assertEqual(len(mug["face_labels"]), len(mug["faces"]))
        with self.assertRaises(RuntimeError):
            dexvlg.load_object("no_such_file.obj")
        out = dexvlg.synthesize("hammer", "handle", count=1, attempts=32, settle=0)
        self.assertEqual(out["grasp"].shape[1], 29)
        if len(out["grasp"]):
            res = dexvlg.validate("hammer", out["pregrasp"], out["grasp"], out["squeeze"],
                                  part="handle")
            self.assertEqual(len(res), len(out["grasp"]))
            self.assertIn("success", res[0])
            with self.assertRaises(ValueError):  # a part the hammer does not have
                dexvlg.validate("hammer", out["pregrasp"], out["grasp"], out["squeeze"],
                                part="spout")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "g.h5")
            subprocess.run([BINARY, "synth", "box", "--part", "body", "--count", "1",
                            "--attempts", "16", "--settle", "0", "--out", path], check=True,
                           capture_output=True)
            g = dexvlg.read_grasps(path)
            self.assertEqual(g["object"], "box")
            self.assertEqual(g["grasp"].shape[1], 29)

    def test_model_predicts(self):
        if not os.path.exists(os.path.join(MODEL, "model.h5")):
            self.skipTest(MODEL + " holds no model")
        model = dexvlg.Model(MODEL)
        self.assertGreater(model.parameters, 1000)
        rng = np.random.default_rng(0)
        pts = rng.uniform(-0.04, 0.04, (3000, 3)).astype(np.float32) + [0, 0, 0.05]
        cols = np.full((3000, 3), 128, np.uint8)
        p = model.predict(pts, cols, "grasp the body of the mug", count=5, seed=1)
        self.assertEqual(p["grasp"].shape, (5, 29))
        q = np.linalg.norm(p["grasp"][:, 3:7], axis=1)
        np.testing.assert_allclose(q, 1.0, atol=1e-9)
        again = model.predict(pts, cols, "grasp the body of the mug", count=5, seed=1)
        np.testing.assert_array_equal(p["grasp"], again["grasp"])  # seeded
        with self.assertRaises(RuntimeError):
            model.predict(pts, cols, "   ")
        with self.assertRaises(ValueError):
            model.predict(np.zeros((4, 2), np.float32), None, "grasp it")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
