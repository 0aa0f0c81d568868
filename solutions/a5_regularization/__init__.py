"""Reference solutions of assignment a5: regularisation and generalisation."""

from solutions.a5_regularization.compression import (
    dequantize_int8,
    magnitude_prune,
    prune_params,
    quantize_int8,
    quantize_params,
)
from solutions.a5_regularization.dropout import (
    dropout_backward,
    dropout_forward,
    mc_dropout_predict,
)
from solutions.a5_regularization.early_stopping import EarlyStopping
from solutions.a5_regularization.model import DropoutMLP
from solutions.a5_regularization.training import HISTORY_KEYS, evaluate, train
from solutions.a5_regularization.weight_decay import (
    adam_l2_step,
    adamw_step,
    l2_vs_decoupled_decay,
    sgd_decoupled_step,
    sgd_l2_step,
)

__all__ = [
    "HISTORY_KEYS",
    "DropoutMLP",
    "EarlyStopping",
    "adam_l2_step",
    "adamw_step",
    "dequantize_int8",
    "dropout_backward",
    "dropout_forward",
    "evaluate",
    "l2_vs_decoupled_decay",
    "magnitude_prune",
    "mc_dropout_predict",
    "prune_params",
    "quantize_int8",
    "quantize_params",
    "sgd_decoupled_step",
    "sgd_l2_step",
    "train",
]
