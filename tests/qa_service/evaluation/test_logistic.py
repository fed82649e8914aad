"""The one logistic fit: the optimum of its penalised log-loss, with or without class balance."""

from __future__ import annotations

import numpy as np

from qa_service.evaluation.logistic import LogisticModel, fit_logistic


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 4)) * [1.0, 3.0, 0.5, 0.0] + [0.0, 2.0, -1.0, 7.0]
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(size=300) > -1.5).astype(np.float64)
    return x, y


def _gradient(x, y, mean, scale, coef, intercept, l2, weights):
    z = (x - mean) / scale
    p = 1.0 / (1.0 + np.exp(-(z @ coef + intercept)))
    return np.append(z.T @ (weights * (p - y)) + l2 * coef, (weights * (p - y)).sum())


def test_unbalanced_fit_is_the_optimum_of_the_penalised_log_loss():
    x, y = _data()
    mean, scale, coef, intercept = fit_logistic(x, y, l2=2.0, balanced=False)
    assert scale[3] == 1.0  # a feature that never varies keeps scale 1
    assert np.abs(_gradient(x, y, mean, scale, coef, intercept, 2.0, np.ones(len(y)))).max() < 1e-6
    assert coef[0] > 0.5 and coef[1] < -0.5 and abs(coef[3]) < 1e-9


def test_balanced_fit_weighs_each_class_half():
    x, y = _data(1)
    assert 0.6 < y.mean() < 0.95  # more positives than negatives
    mean, scale, coef, intercept = fit_logistic(x, y, l2=1.0)
    weights = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    assert np.abs(_gradient(x, y, mean, scale, coef, intercept, 1.0, weights)).max() < 1e-6
    _, _, _, unbalanced = fit_logistic(x, y, l2=1.0, balanced=False)
    assert intercept < unbalanced  # balancing pulls the intercept towards the rarer class


def test_fitted_model_scores_rows_by_feature_name():
    x, y = _data(2)
    model = LogisticModel.fit(("a", "b", "c", "d"), x, y, l2=2.0, balanced=False, clip=30.0)
    rows = [dict(zip("abcd", row, strict=True)) for row in x]
    accuracy = np.mean(
        [(model.probability(r) >= 0.5) == bool(label) for r, label in zip(rows, y, strict=True)]
    )
    assert accuracy > 0.75
    assert model.clip == 30.0 and model.features == ("a", "b", "c", "d")
