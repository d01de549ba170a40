#!/usr/bin/env python3
"""Reads a dexvlg dataset with h5py alone (docs/dataset.md).

    python3 examples/read_dataset.py DATASET

Prints, per shard, the object, its parts, the grasp counts and the first scene's point cloud,
then one training sample: a view's coloured point cloud with part labels, and a successful
grasp in the same (table) frame with its caption.
"""
import json
import os
import sys

import h5py


def text(value):
    """An attribute as str: variable-length (str) or, in shards before 2026-12-01, bytes."""
    return value.decode() if isinstance(value, bytes) else str(value)


def main(dataset):
    with open(os.path.join(dataset, "index.json")) as f:
        index = json.load(f)
    assert index["format"] == "dexvlg-dataset", "not a dexvlg dataset index"
    samples = 0
    for entry in index["shards"]:
        with h5py.File(os.path.join(dataset, entry["file"]), "r") as shard:
            # string attributes read as str (variable-length UTF-8); integers as ints
            assert text(shard.attrs["format"]) == "dexvlg-dataset-shard"
            assert int(shard.attrs["version"]) == 1
            joints = [j.decode() for j in shard["grasps/joint_names"][:]]
            parts = [p.decode() for p in shard["object/part_names"][:]]
            grasp = shard["grasps/grasp"][:]  # N x (7 + joints): x y z qw qx qy qz q...
            success = shard["grasps/success"][:]
            captions = shard["grasps/caption"][:]
            assert grasp.shape[1] == 7 + len(joints)
            print(f"{text(shard.attrs['object'])}: parts {parts}, {len(success)} grasps, "
                  f"{int(success.sum())} held in simulation, {len(shard['scenes'])} scenes")
            for name, scene in shard["scenes"].items():
                points = scene["points"][:]  # views x P x 3 (m, table frame)
                colors = scene["colors"][:]  # views x P x 3 (RGB)
                labels = scene["labels"][:]  # views x P (part, -1 table)
                index_in_shard = scene["grasp_index"][:]
                scene_grasp = scene["grasp"][:]  # the same grasps in the table frame
                assert points.shape == colors.shape and points.shape[:2] == labels.shape
                assert scene_grasp.shape == (len(index_in_shard), grasp.shape[1])
                for k, i in enumerate(index_in_shard):
                    assert success[i] == 1
                    samples += points.shape[0]  # each view with each of its grasps
                    if samples <= points.shape[0]:
                        print(f"  sample: scene {name}, view 0 of {points.shape[0]}, "
                              f"{points.shape[1]} points, labels {sorted(set(labels[0].tolist()))}"
                              f", grasp root at {scene_grasp[k, :3].round(3).tolist()}: "
                              f"\"{captions[i].decode()}\"")
    print(f"{len(index['shards'])} shards, {samples} (view, grasp) training samples")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
