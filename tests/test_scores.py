import numpy as np

from assistant.scores import zscores


def test_zscores_standardize_and_flat_lists_give_zeros() -> None:
    z = zscores(np.asarray([1.0, 2.0, 3.0]))
    assert np.allclose(z, [-1.224744871, 0.0, 1.224744871])
    assert abs(float(z.mean())) < 1e-12 and abs(float(z.std()) - 1.0) < 1e-12
    assert np.array_equal(zscores(np.asarray([0.7, 0.7])), np.zeros(2))
