import json
import os
import unittest

import pathsetup
import train


class DatasetTest(unittest.TestCase):
    def test_holds_fifty_flowers_of_each_species(self):
        x, y, classes = train.load_dataset()
        self.assertEqual(len(x), 150)
        self.assertEqual(classes, ["setosa", "versicolor", "virginica"])
        self.assertEqual([y.count(k) for k in range(3)], [50, 50, 50])
        self.assertTrue(all(len(row) == 4 and all(v > 0 for v in row) for row in x))

    def test_holds_out_a_balanced_fifth(self):
        x, y, _ = train.load_dataset()
        train_x, train_y, test_x, test_y = train.split(x, y)
        self.assertEqual((len(train_x), len(test_x)), (120, 30))
        self.assertEqual([test_y.count(k) for k in range(3)], [10, 10, 10])
        self.assertEqual([train_y.count(k) for k in range(3)], [40, 40, 40])


class TrainingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = train.train()

    def test_generalises_to_the_held_out_flowers(self):
        self.assertGreaterEqual(self.model.metadata["test_accuracy"], 0.9)
        self.assertGreaterEqual(self.model.metadata["train_accuracy"], 0.9)

    def test_committed_weights_are_what_the_script_produces(self):
        # Catches a model.json edited by hand or left stale after changing train.py.
        with open(os.path.join(pathsetup.MODEL_DIR, "model.json"), encoding="utf-8") as f:
            committed = json.load(f)
        fresh = train.rounded(self.model)
        self.assertEqual(fresh["classes"], committed["classes"])
        self.assertEqual(fresh["metadata"], committed["metadata"])
        for key in ("mean", "scale", "bias"):
            for a, b in zip(fresh[key], committed[key]):
                self.assertAlmostEqual(a, b, places=6, msg=key)
        for row_a, row_b in zip(fresh["weights"], committed["weights"]):
            for a, b in zip(row_a, row_b):
                self.assertAlmostEqual(a, b, places=6, msg="weights")


if __name__ == "__main__":
    unittest.main()
