"""PyTorch definitions of the two SHARP networks, written for ONNX export.

Re-implemented from the published description of the SHARP code
(github.com/wiktormucha/SHARP: models/models.py, models/backbones.py,
cfgs/ar_test.yaml).  Module and parameter names are chosen so that the
authors' published ``state_dict`` files load with ``strict=True``; the forward
passes compute the same functions, including the quirks of the action network
that the trained weights depend on (see SHARP_SPEC.md section 5):

* ``EffHandEgoNet3D``: EfficientNetV2-S features (1280 x 16 x 16 for a 512 x 512
  input), two heatmap heads (transposed convolutions 1280->256->256->256, the
  first two with BatchNorm+ReLU, a 1x1 convolution to 21 maps, sigmoid), and
  linear handedness / depth heads on the 2x2-max-pooled, flattened features.
  The checkpoint also holds ``deconv3``/``deconv4`` of each head, which the
  forward pass never uses; they are created (so strict loading works) but are
  not part of the traced graph.  Outputs are the raw tensors: heatmaps
  [B,42,128,128], left/right handedness logits [B,2], z [B,42] in millimetres.
* ``Hand3DActionTransformer``: linear token mapper, class token, positional
  table ``P[i, j] = sin(i / 10000^(j/d))`` for even ``j`` and
  ``sin(cos(i / 10000^((j-1)/d)))`` for odd ``j`` (the sine wraps the whole
  conditional in the original), precomputed once as a float32 buffer; two
  post-norm encoder layers whose LayerNorms normalise over the whole
  (21 x 135) token block; 3 attention heads of width 45; a one-layer ReLU
  feed-forward; the object id of frame 0 (last input column) appended to the
  class-token output before LayerNorm(136) and Linear(136, 36).  The unused
  ``input_norm`` LayerNorm is kept for strict loading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torchvision

# ----------------------------------------------------------------------------------------
# 3D hand pose network
# ----------------------------------------------------------------------------------------


class _FeatureExtractor(nn.Module):
    """EfficientNetV2-S without its pooling and classifier.

    The checkpoint stores the features under ``backbone.backbone.0.*``: an outer
    module ``backbone`` holding a Sequential ``backbone`` whose only child is
    torchvision's ``features`` block.
    """

    def __init__(self) -> None:
        super().__init__()
        effnet = torchvision.models.efficientnet_v2_s(weights=None)
        self.backbone = nn.Sequential(effnet.features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone(x)


class _UpBlock(nn.Module):
    """2x2 stride-2 transposed convolution, optionally followed by BatchNorm + ReLU.

    ``norm`` always exists (it is in the checkpoint), but the last block of a
    head skips it, as in the published model.
    """

    def __init__(self, cin: int, cout: int, apply_norm: bool = True) -> None:
        super().__init__()
        self.apply_norm = apply_norm
        self.deconv = nn.ConvTranspose2d(cin, cout, kernel_size=2, stride=2, padding=0)
        self.norm = nn.Sequential(nn.BatchNorm2d(cout), nn.ReLU(inplace=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.deconv(x)
        return self.norm(y) if self.apply_norm else y


class _HeatmapHead(nn.Module):
    """1280x16x16 features -> 21 sigmoid heatmaps of 128x128."""

    def __init__(self, cin: int = 1280, joints: int = 21) -> None:
        super().__init__()
        self.deconv1 = _UpBlock(cin, 256)
        self.deconv2 = _UpBlock(256, 256)
        self.deconv3 = _UpBlock(256, 256)   # in the checkpoint, never used
        self.deconv4 = _UpBlock(256, 256)   # in the checkpoint, never used
        self.deconv5 = _UpBlock(256, 256, apply_norm=False)
        self.final = nn.Conv2d(256, joints, kernel_size=1)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        y = self.deconv5(self.deconv2(self.deconv1(f)))
        return torch.sigmoid(self.final(y))


class EffHandEgoNet3D(nn.Module):
    """SHARP's 3D hand pose network; forward returns the four raw outputs as a tuple."""

    FLAT = 1280 * 8 * 8  # 81920: 2x2-max-pooled 16x16 features of a 512x512 image

    def __init__(self) -> None:
        super().__init__()
        self.backbone = _FeatureExtractor()
        self.left_hand = nn.Linear(self.FLAT, 2)
        self.right_hand = nn.Linear(self.FLAT, 2)
        self.pooling = nn.MaxPool2d(2)
        self.left_pose = _HeatmapHead()
        self.right_pose = _HeatmapHead()
        self.z_estimation_l = nn.Linear(self.FLAT, 21)
        self.z_estimation_r = nn.Linear(self.FLAT, 21)

    def forward(self, image: torch.Tensor):
        f = self.backbone(image)
        flat = torch.flatten(self.pooling(f), 1)
        heatmaps = torch.cat((self.left_pose(f), self.right_pose(f)), dim=1)
        z = torch.cat((self.z_estimation_l(flat), self.z_estimation_r(flat)), dim=1)
        return heatmaps, self.left_hand(flat), self.right_hand(flat), z


# ----------------------------------------------------------------------------------------
# action recognition network
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionConfig:
    """The values of cfgs/ar_test.yaml that define the network's shape."""

    input_dim: int = 135
    hidden: int = 135
    out_dim: int = 36
    heads: int = 3
    layers: int = 2
    seq_length: int = 20


def sharp_positional_table(rows: int, d: int, freq: int = 10000) -> torch.Tensor:
    """The positional table of the published action network, as float32.

    Evaluated in float64 with the same expression shape as the original
    (Python ``**`` and numpy sin/cos) and then stored in float32, which is
    what assigning into a float32 tensor does.
    """
    table = np.ones((rows, d), dtype=np.float32)
    for i in range(rows):
        for j in range(d):
            inner = i / (freq ** (j / d)) if j % 2 == 0 else np.cos(i / (freq ** ((j - 1) / d)))
            table[i, j] = np.sin(inner)
    return torch.from_numpy(table)


class _EncoderLayer(nn.Module):
    """Post-norm encoder layer with block-wide LayerNorms over (seq + 1, dim)."""

    def __init__(self, dim: int, tokens: int, heads: int) -> None:
        super().__init__()
        self.MultHeaAtten = nn.MultiheadAttention(embed_dim=dim, num_heads=heads, batch_first=True)
        self.layer_norm_1 = nn.LayerNorm((tokens, dim))
        self.ffn = nn.Sequential(nn.Linear(dim, dim), nn.ReLU())
        self.layer_norm_2 = nn.LayerNorm((tokens, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        att, _ = self.MultHeaAtten(x, x, x, need_weights=False)
        h = self.layer_norm_1(att + x)
        return self.layer_norm_2(h + self.ffn(h))


class Hand3DActionTransformer(nn.Module):
    """SHARP's action classifier: positions [B, 20, 135] -> logits [B, 36]."""

    def __init__(self, cfg: ActionConfig = ActionConfig()) -> None:
        super().__init__()
        if cfg.hidden != cfg.input_dim:
            raise ValueError("the published network adds hidden-size tokens to input-size embeddings; "
                             "hidden must equal input_dim")
        self.cfg = cfg
        tokens = cfg.seq_length + 1
        self.input_norm = nn.LayerNorm(cfg.input_dim)          # in the checkpoint, never used
        self.linear_mapper = nn.Linear(cfg.input_dim, cfg.hidden)
        self.class_token = nn.Parameter(torch.rand(1, cfg.input_dim))
        self.encoder_layers = nn.ModuleList(
            [_EncoderLayer(cfg.input_dim, tokens, cfg.heads) for _ in range(cfg.layers)])
        self.mlp = nn.Sequential(nn.Dropout(0.0), nn.LayerNorm(cfg.input_dim + 1),
                                 nn.Linear(cfg.input_dim + 1, cfg.out_dim))
        # Not part of the state_dict: derived, precomputed once.
        self.register_buffer("positions", sharp_positional_table(tokens, cfg.hidden)[None],
                             persistent=False)

    def forward(self, positions: torch.Tensor) -> torch.Tensor:
        b = positions.shape[0]
        obj_id = positions[:, 0, -1:]                                   # [B, 1]
        tok = self.linear_mapper(positions)                             # [B, 20, 135]
        cls = self.class_token.unsqueeze(0).expand(b, -1, -1)           # [B, 1, 135]
        x = torch.cat((cls, tok), dim=1) + self.positions               # [B, 21, 135]
        for layer in self.encoder_layers:
            x = layer(x)
        return self.mlp(torch.cat((x[:, 0], obj_id), dim=1))


# ----------------------------------------------------------------------------------------
# post-processing (not exported; used to cross-check SHARP's eval-mode outputs)
# ----------------------------------------------------------------------------------------


def soft_argmax(heatmaps: torch.Tensor) -> torch.Tensor:
    """[B, J, n, n] -> [B, J, 2] in [0, 1): expectation of column / row under the normalised map."""
    n = heatmaps.shape[-1]
    p = heatmaps / heatmaps.sum(dim=(-1, -2), keepdim=True)
    idx = torch.arange(n, dtype=heatmaps.dtype, device=heatmaps.device)
    x = (p.sum(dim=-2) * idx).sum(dim=-1)
    y = (p.sum(dim=-1) * idx).sum(dim=-1)
    return torch.stack((x, y), dim=-1) / n


def unproject(uv: torch.Tensor, z: torch.Tensor, k: np.ndarray) -> torch.Tensor:
    """Pixel coordinates [B, J, 2] and depth [B, J] -> camera-frame points [B, J, 3] (z's unit)."""
    kinv = torch.from_numpy(np.linalg.inv(k)).to(uv.dtype)
    ones = torch.ones_like(uv[..., :1])
    return (torch.cat((uv, ones), dim=-1) @ kinv.T) * z.unsqueeze(-1)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


__all__ = ["EffHandEgoNet3D", "Hand3DActionTransformer", "ActionConfig", "sharp_positional_table",
           "soft_argmax", "unproject", "count_parameters"]

