import math
import os
import unittest

import pathsetup
from iris_model import FEATURES, IrisModel, softmax

MODEL_JSON = os.path.join(pathsetup.MODEL_DIR, "model.json")


class SoftmaxTest(unittest.TestCase):
    def test_probabilities_sum_to_one_and_keep_the_order(self):
        probs = softmax([1.0, 2.0, 3.0])
        self.assertAlmostEqual(sum(probs), 1.0)
        self.assertLess(probs[0], probs[1])
        self.assertLess(probs[1], probs[2])

    def test_huge_scores_do_not_overflow(self):
        probs = softmax([1000.0, 999.0, -1000.0])
        self.assertTrue(all(math.isfinite(p) for p in probs))
        self.assertAlmostEqual(probs[0], 1 / (1 + math.exp(-1)), places=9)


class CommittedModelTest(unittest.TestCase):
    """The weights that ship in the image, checked against flowers from each species."""

    @classmethod
    def setUpClass(cls):
        cls.model = IrisModel.load(MODEL_JSON)

    def test_knows_the_three_species(self):
        self.assertEqual(self.model.classes, ["setosa", "versicolor", "virginica"])

    def test_classifies_a_typical_flower_of_each_species(self):
        cases = {
            (5.1, 3.5, 1.4, 0.2): "setosa",
            (6.4, 3.2, 4.5, 1.5): "versicolor",
            (6.3, 3.3, 6.0, 2.5): "virginica",
        }
        for values, species in cases.items():
            with self.subTest(values=values):
                self.assertEqual(self.model.predict(list(values))["species"], species)

    def test_reports_confidence_as_the_winning_probability(self):
        result = self.model.predict([5.0, 3.4, 1.5, 0.2])
        self.assertEqual(set(result["probabilities"]), set(self.model.classes))
        self.assertEqual(result["confidence"], max(result["probabilities"].values()))
        self.assertGreater(result["confidence"], 0.9)

    def test_is_less_sure_between_the_two_overlapping_species(self):
        # A flower on the versicolor/virginica border should not get a near-certain answer.
        borderline = self.model.predict([6.0, 2.7, 5.0, 1.6])
        self.assertLess(borderline["confidence"], 0.9)
        self.assertLess(borderline["probabilities"]["setosa"], 0.01)


class ModelFileValidationTest(unittest.TestCase):
    def valid(self):
        return {
            "features": list(FEATURES),
            "classes": ["a", "b"],
            "mean": [0, 0, 0, 0],
            "scale": [1, 1, 1, 1],
            "weights": [[0, 0, 0, 0], [0, 0, 0, 0]],
            "bias": [0, 0],
        }

    def test_accepts_a_well_formed_file(self):
        model = IrisModel.from_dict(self.valid())
        self.assertEqual(model.predict([1, 1, 1, 1])["probabilities"], {"a": 0.5, "b": 0.5})

    def test_refuses_features_in_another_order(self):
        data = self.valid()
        data["features"] = list(reversed(FEATURES))
        with self.assertRaises(ValueError):
            IrisModel.from_dict(data)

    def test_refuses_mismatched_shapes_and_zero_scale(self):
        for key, value in (("bias", [0]), ("weights", [[0, 0, 0], [0, 0, 0]]), ("scale", [1, 0, 1, 1])):
            data = self.valid()
            data[key] = value
            with self.subTest(key=key), self.assertRaises(ValueError):
                IrisModel.from_dict(data)


if __name__ == "__main__":
    unittest.main()
